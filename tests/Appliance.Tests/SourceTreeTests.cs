using System.Text.RegularExpressions;
using Appliance.Tests.Support;

namespace Appliance.Tests;

/// <summary>
/// One home per concept, checked: a number, a path or an option that lives in one file must not
/// grow a second copy, and no file in src/ mixes so much that it passes 400 lines.
/// </summary>
public sealed partial class SourceTreeTests
{
    private const int MaxLines = 400;

    private static IEnumerable<(string Path, string[] Lines)> Sources() =>
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains("/obj/", StringComparison.Ordinal) && !p.Contains("/bin/", StringComparison.Ordinal))
            .Select(p => (Path.GetRelativePath(RepoPaths.Root, p), File.ReadAllLines(p)));

    /// <summary>Code lines (comments and doc comments left out) that match, outside the one file allowed to hold them.</summary>
    private static List<string> Outside(string home, Regex pattern) =>
        [.. Sources()
            .Where(s => s.Path != home)
            .SelectMany(s => s.Lines.Select((line, i) => (s.Path, Line: i + 1, Text: line.Trim())))
            .Where(l => !l.Text.StartsWith("//", StringComparison.Ordinal) && pattern.IsMatch(l.Text))
            .Select(l => $"{l.Path}:{l.Line}: {l.Text}")];

    [Fact]
    public void Src_EveryFile_AtMost400Lines()
    {
        Assert.Equal([], Sources().Where(s => s.Lines.Length > MaxLines).Select(s => $"{s.Path}: {s.Lines.Length} lines"));
    }

    [Fact]
    public void Src_NoRegions()
    {
        Assert.Equal([], Sources().Where(s => s.Lines.Any(l => l.TrimStart().StartsWith("#region", StringComparison.Ordinal))).Select(s => s.Path));
    }

    [Fact]
    public void Errno_DefinedOnlyInCoreErrno()
    {
        Assert.Equal([], Outside("src/Appliance.Core/Errno.cs", ErrnoConstant()));
    }

    [Fact]
    public void StateDirectory_SpelledOnlyInStatePaths()
    {
        Assert.Equal([], Outside("src/Appliance.Linux/Files/StatePaths.cs", new Regex("var/lib/appliance")));
    }

    [Fact]
    public void JsonAndRootOptions_ReadOnlyInCliContext()
    {
        Assert.Equal([], Outside("src/Appliance.Cli/CliContext.cs", new Regex("\"--json\"|\"--root\"|GetValue\\([^)]*RootOption\\)")));
    }

    [Fact]
    public void RescueToken_SpelledOnlyInKernelInfoWords()
    {
        Assert.Equal([], Outside("src/Appliance.Core/Kexec/KexecCommandLines.cs", new Regex("appliance\\.rescue")));
    }

    /// <summary>
    /// .NET's cryptography calls OpenSSL on Linux, which the busybox board and initramfs-time
    /// validators do not have: a hash there aborted the process (exit 134). Hashing goes through
    /// the managed Appliance.Core.Hashing.Sha256.
    /// </summary>
    [Fact]
    public void Src_NoSystemSecurityCryptography()
    {
        Assert.Equal([], Outside("src/Appliance.Core/Hashing/Sha256.cs", new Regex(@"System\.Security\.Cryptography|\bSHA(1|256|384|512)\.")));
    }

    [GeneratedRegex(@"const int E[A-Z]+ = \d")]
    private static partial Regex ErrnoConstant();
}
