using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Appliance.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Appliance.Tests.Core;

/// <summary>
/// Core is pure logic: no files, clock, environment, processes or P/Invoke. The build enforces
/// it with Microsoft.CodeAnalysis.BannedApiAnalyzers and src/Appliance.Core/BannedSymbols.txt;
/// these tests show that enforcement failing a build, and check the compiled assembly besides.
/// </summary>
public sealed class CorePurityTests
{
    private static string CoreDirectory => Path.Combine(RepoPaths.Root, "src/Appliance.Core");

    [Theory]
    [InlineData("System.IO.File.ReadAllText(\"/etc/appliance/appliance.conf\")", "File")]
    [InlineData("System.IO.Directory.GetFiles(\"/boot\").Length.ToString()", "Directory")]
    [InlineData("System.DateTime.Now.ToString()", "DateTime.Now")]
    [InlineData("System.DateTimeOffset.UtcNow.ToString()", "DateTimeOffset.UtcNow")]
    [InlineData("System.TimeProvider.System.GetUtcNow().ToString()", "TimeProvider.System")]
    [InlineData("System.Environment.GetEnvironmentVariable(\"HOME\")", "Environment")]
    [InlineData("System.Diagnostics.Process.Start(\"/bin/true\").Id.ToString()", "Process")]
    public async Task Analyzer_BannedCallInCore_FailsTheBuildNamingTheSymbol(string expression, string symbol)
    {
        var errors = await AnalyzeAsCoreAsync($"internal static class Probe {{ public static string? Run() => {expression}; }}");

        var banned = errors.First(d => d.Id == "RS0030" && d.GetMessage().Contains($"'{symbol}'", StringComparison.Ordinal));
        Assert.Equal(DiagnosticSeverity.Error, banned.Severity);
        Assert.Contains("is banned in this project", banned.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyzer_PInvokeInCore_FailsTheBuild()
    {
        var errors = await AnalyzeAsCoreAsync("""
            internal static partial class Probe
            {
                [System.Runtime.InteropServices.DllImport("libc")]
                public static extern int getpid();
            }
            """);

        Assert.Contains(errors, d => d.Id == "RS0030" && d.GetMessage().Contains("DllImportAttribute", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Analyzer_PureCode_Passes()
    {
        var errors = await AnalyzeAsCoreAsync("internal static class Probe { public static string Run(System.TimeProvider time) => time.GetUtcNow().ToString(); }");

        Assert.Empty(errors);
    }

    [Fact]
    public void CoreProject_EnforcesTheBannedList()
    {
        string project = File.ReadAllText(Path.Combine(CoreDirectory, "Appliance.Core.csproj"));

        Assert.Contains("Include=\"Microsoft.CodeAnalysis.BannedApiAnalyzers\"", project, StringComparison.Ordinal);
        Assert.Contains("<AdditionalFiles Include=\"BannedSymbols.txt\" />", project, StringComparison.Ordinal);
        Assert.DoesNotContain("RS0030", File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Build.props")), StringComparison.Ordinal);
    }

    /// <summary>Belt and braces, on the compiled assembly: no P/Invoke and no reference to a banned type.</summary>
    [Fact]
    public void CompiledCore_HasNoPInvokeAndNoBannedTypeReference()
    {
        using var stream = File.OpenRead(typeof(Appliance.Core.Grubenv.GrubEnvBlock).Assembly.Location);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        string[] banned = ["System.IO.File", "System.IO.Directory", "System.IO.FileInfo", "System.IO.DirectoryInfo", "System.IO.FileStream", "System.Environment", "System.Diagnostics.Process", "System.Diagnostics.Stopwatch", "System.Console"];

        string TypeName(TypeReferenceHandle h) => $"{md.GetString(md.GetTypeReference(h).Namespace)}.{md.GetString(md.GetTypeReference(h).Name)}";
        var used = md.MemberReferences.Select(h => md.GetMemberReference(h))
            .Where(m => m.Parent.Kind == HandleKind.TypeReference)
            .Select(m => $"{TypeName((TypeReferenceHandle)m.Parent)}::{md.GetString(m.Name)}")
            // C# iterators check the calling thread in GetEnumerator: compiler-generated, not Core's code.
            .Where(m => m != "System.Environment::get_CurrentManagedThreadId")
            .ToList();
        var pinvokes = md.MethodDefinitions.Select(h => md.GetMethodDefinition(h)).Where(m => (m.Attributes & System.Reflection.MethodAttributes.PinvokeImpl) != 0).Select(m => md.GetString(m.Name)).ToList();

        Assert.Equal([], used.Where(m => banned.Contains(m[..m.IndexOf("::", StringComparison.Ordinal)])));
        Assert.Empty(pinvokes);
    }

    /// <summary>Compiles <paramref name="source"/> as a file of Core would be, with Core's banned list and the analyzer the build uses; returns the errors.</summary>
    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsCoreAsync(string source)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) == "netstandard.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            "Appliance.Core",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, generalDiagnosticOption: ReportDiagnostic.Error));

        string analyzers = Path.Combine(AppContext.BaseDirectory, "analyzers");
        var loader = new AnalyzerLoader();
        var found = Directory.GetFiles(analyzers, "*.dll")
            .SelectMany(p => new AnalyzerFileReference(p, loader).GetAnalyzers(LanguageNames.CSharp))
            .ToImmutableArray();
        Assert.False(found.IsEmpty, $"no analyzers in {analyzers}: the test project copies Microsoft.CodeAnalysis.BannedApiAnalyzers there");

        var options = new AnalyzerOptions([new FileText(Path.Combine(CoreDirectory, "BannedSymbols.txt"))]);
        var diagnostics = await compilation.WithAnalyzers(found, options).GetAllDiagnosticsAsync();
        return [.. diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)];
    }

    private sealed class FileText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(File.ReadAllText(Path));
    }

    private sealed class AnalyzerLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public System.Reflection.Assembly LoadFromPath(string fullPath) => System.Reflection.Assembly.LoadFrom(fullPath);
    }
}
