using Appliance.Core.Menu;
using Appliance.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Appliance.Tests.Core.Menu;

/// <summary>
/// The parser against GRUB's own: <c>grub-script-check</c> (grub-common, installed by make deps)
/// runs GRUB's lexer and grammar on a file. Whatever it rejects, <see cref="GrubConfigParser"/>
/// must reject, and the other way round.
/// </summary>
public sealed class GrubScriptCheckDifferentialTests
{
    private static readonly string? Found = new[] { "/usr/bin/grub-script-check", "/usr/sbin/grub-script-check", "/bin/grub-script-check" }
        .FirstOrDefault(File.Exists);

    private static string Program => Found ?? throw new Xunit.Sdk.XunitException(
        "grub-script-check is not installed: install grub-common (make deps). These tests compare against it and never skip.");

    /// <summary>
    /// Whether GRUB's parser rejects <paramref name="text"/>: it prints "Syntax error at line N",
    /// or dies with "fatal error" (a token over its lexer's YYLMAX). Its exit code alone is no
    /// guide: it is also 1 for a script that merely has no commands.
    /// </summary>
    private static bool GrubRejects(TempDir dir, string text)
    {
        string file = dir.File("check.cfg");
        File.WriteAllText(file, text);
        ProcessResult result = ProcessRunner.Run(Program, ["-v", file]);
        string output = result.StdoutText + result.Stderr;
        return output.Contains("Syntax error at line", StringComparison.Ordinal) || output.Contains("fatal error", StringComparison.Ordinal);
    }

    private static bool WeReject(string text)
    {
        try
        {
            GrubConfigParser.Parse(text);
            return false;
        }
        catch (GrubConfigException)
        {
            return true;
        }
    }

    /// <summary>
    /// A text with a NUL is the one deliberate difference: GRUB cuts the line there and parses
    /// what is left, we refuse the file (a NUL means binary or corrupted). The rest is still
    /// held against GRUB, with the NULs taken out.
    /// </summary>
    private static void AssertAgree(TempDir dir, string text)
    {
        if (text.Contains('\0'))
        {
            var e = Assert.Throws<GrubConfigException>(() => GrubConfigParser.Parse(text));
            Assert.NotNull(e.ByteOffset);
            Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(0, text.IndexOf('\0'))), e.ByteOffset);
            text = text.Replace("\0", string.Empty, StringComparison.Ordinal);
        }

        // GRUB's own line reader (grub_file_getline, grub-core/normal/main.c) drops every carriage
        // return before its lexer sees the line; grub-script-check reads with getline(3) and keeps
        // them, so "\\<CR><LF>" is an escaped CR to it but a line continuation to GRUB. GRUB is
        // what we follow: grub-script-check is given the text GRUB's lexer would see.
        bool grub = GrubRejects(dir, text.Replace("\r", string.Empty, StringComparison.Ordinal));
        bool ours = WeReject(text);
        Assert.True(grub == ours, $"grub-script-check {(grub ? "rejects" : "accepts")}, we {(ours ? "reject" : "accept")}: {System.Text.Json.JsonSerializer.Serialize(text)}");
    }

    private static Config Runs(int n) => Config.QuickThrowOnFailure.WithMaxTest(n).WithQuietOnSuccess(true);

    [Theory]
    [InlineData("menuentry 'a' { linux /k }\n")]
    [InlineData("menuentry 'a' {\n}\n")]
    [InlineData("menuentry 'a' { linux /k; } extra\n")]
    [InlineData("menuentry 'a'\n{ linux /k; }\n")]
    [InlineData("function f { echo; }\n")]
    [InlineData("function f { echo }\n")]
    [InlineData("function f-g { echo; }\n")]
    [InlineData("menuentry x { function f { echo; }; }\n")]
    [InlineData("if true; then\nfi\n")]
    [InlineData("if true; then echo; fi extra\n")]
    [InlineData("echo if then else fi do done in\n")]
    [InlineData("echo \\\nfi\n")]
    [InlineData("echo [[ x ]]\n")]
    [InlineData("echo '[[' x\n")]
    [InlineData("echo a | b\n")]
    [InlineData("echo $ x\n")]
    [InlineData("echo \"$\"\n")]
    [InlineData("echo ${a-b}\n")]
    [InlineData("echo $\"gettext $ text\"\n")]
    [InlineData("echo a\\\n")]
    [InlineData("echo a\\")]
    [InlineData("# c\n$xuntil ;\\\r\n")]
    [InlineData("echo ;;\n")]
    [InlineData("; echo\n")]
    [InlineData("{ echo; }\n")]
    [InlineData("for x y; do echo; done\n")]
    [InlineData("for x in a b; do echo; done\n")]
    [InlineData("while true; do echo; done\n")]
    [InlineData("case x in\n")]
    [InlineData("echo }\n")]
    [InlineData("echo a{b}c\n")]
    [InlineData("# only a comment\n")]
    public void Parse_HandPickedSyntax_RejectsExactlyWhatGrubRejects(string text)
    {
        using var dir = new TempDir();

        AssertAgree(dir, text);
    }

    [Theory]
    [MemberData(nameof(MenuFixtures.AllNames), MemberType = typeof(MenuFixtures))]
    public void Parse_EveryFixture_GrubAcceptsItToo(string fixture)
    {
        using var dir = new TempDir();
        string name = MenuFixtures.BlsTrees.Contains(fixture) ? Path.Combine(fixture, "grub.cfg") : fixture;

        Assert.False(GrubRejects(dir, MenuFixtures.Text(name)));
    }

    [Fact]
    public void Parse_SyntaxSoup_RejectsExactlyWhatGrubRejects()
    {
        using var dir = new TempDir();
        Check.One(Runs(400), Prop.ForAll(Arb.From(MenuGen.SyntaxSoup), text => AssertAgree(dir, text)));
    }

    [Fact]
    public void Parse_MutatedFixtures_RejectsExactlyWhatGrubRejects()
    {
        using var dir = new TempDir();
        var texts = MenuFixtures.All().ToDictionary(f => f.Name, f => f.Text);
        Check.One(Runs(400), Prop.ForAll(Arb.From(MenuGen.MutatedFixture), c =>
        {
            AssertAgree(dir, MenuGen.Apply(texts[c.Fixture], c.Mutations));
        }));
    }
}
