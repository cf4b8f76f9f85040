using Appliance.Core.Menu;

namespace Appliance.Tests.Core.Menu;

/// <summary>GRUB's quoting, option parsing and script structure, one rule per test, on small hand-written configs.</summary>
public sealed class GrubConfigParserTests
{
    private static MenuEntry Single(string cfg) => Assert.Single(GrubConfigParser.Parse(cfg).Entries);

    private static GrubConfigException Rejects(string cfg) => Assert.Throws<GrubConfigException>(() => GrubConfigParser.Parse(cfg));

    [Fact]
    public void Parse_NulInsideQuotes_NamesTheNulWithLineAndByteOffsetNotAnUnclosedQuote()
    {
        // "set default=0\n" is 14 bytes, "menuentry 'caf" 14 more, the é two: the NUL is byte 30.
        var e = Rejects("set default=0\nmenuentry 'caf\u00e9\0x' {\n  linux /k\n}\n");

        Assert.Equal(2, e.Line);
        Assert.Equal(30, e.ByteOffset);
        Assert.StartsWith("line 2, byte 30: grub.cfg contains a NUL byte", e.Message);
        Assert.DoesNotContain("quote", e.Message);
    }

    [Fact]
    public void Parse_BytesWithNulAfterInvalidUtf8_OffsetCountsTheFileBytes()
    {
        // An undecodable byte becomes three bytes of U+FFFD once decoded; the offset is the file's.
        byte[] cfg = [0xFF, (byte)'\n', (byte)'a', 0, (byte)'\n'];

        var e = Assert.Throws<GrubConfigException>(() => GrubConfigParser.Parse(cfg));

        Assert.Equal(2, e.Line);
        Assert.Equal(3, e.ByteOffset);
    }

    [Fact]
    public void Parse_BytesWithoutNul_SameMenuAsText()
    {
        string text = "menuentry 'caf\u00e9' --id c { linux /k a; }\n";

        var entry = Assert.Single(GrubConfigParser.Parse(System.Text.Encoding.UTF8.GetBytes(text)).Entries);

        Assert.Equal(Single(text), entry);
    }

    [Fact]
    public void Parse_SingleQuotesWithEscapedQuoteIdiom_TitleIsLiteral()
    {
        var entry = Single("menuentry 'It'\\''s $HOME \\n' {\n\tlinux /k\n}\n");

        Assert.Equal("It's $HOME \\n", entry.Title);
    }

    [Fact]
    public void Parse_DoubleQuotes_HonourDollarBackslashQuoteEscapesAndKeepOtherBackslashes()
    {
        var entry = Single("menuentry \"a \\\"b\\\" \\$c \\\\ d\\e $v ${w}\" {\n\tlinux /k\n}\n");

        Assert.Equal("a \"b\" $c \\ d\\e $v ${w}", entry.Title);
    }

    [Fact]
    public void Parse_UnquotedBackslash_TakesNextCharacterLiterally()
    {
        var entry = Single("menuentry A\\ B\\'C {\n\tlinux /k\n}\n");

        Assert.Equal("A B'C", entry.Title);
    }

    [Fact]
    public void Parse_BackslashNewline_JoinsLinesOutsideAndInsideDoubleQuotes()
    {
        var entry = Single("menuentry \"long \\\ntitle\" {\n\tlinux /vmlinuz root=/dev/sda1 \\\n\t\tquiet spla\\\nsh\n}\n");

        Assert.Equal("long title", entry.Title);
        Assert.Equal("root=/dev/sda1 quiet splash", entry.Args);
    }

    [Fact]
    public void Parse_SingleQuotedTitleAcrossLines_KeepsTheNewlineAndCountsLines()
    {
        var menu = GrubConfigParser.Parse("menuentry 'two\nlines' {\n\tlinux /k\n}\nmenuentry 'next' {\n\tlinux /k\n}\n");

        Assert.Equal("two\nlines", menu.Entries[0].Title);
        Assert.Equal(5, menu.Entries[1].Line);
    }

    [Theory]
    [InlineData("menuentry 'T' --id X {", "X")]
    [InlineData("menuentry 'T' --id=X {", "X")]
    [InlineData("menuentry 'T' --id= {", "")]
    [InlineData("menuentry 'T' $menuentry_id_option 'X' {", "X")]
    [InlineData("menuentry 'T' ${menuentry_id_option} 'X' {", "X")]
    [InlineData("menuentry 'T' \"$menuentry_id_option\" 'X' {", "X")]
    [InlineData("menuentry --id X 'T' {", "X")]
    [InlineData("menuentry 'T' --id A --id B {", "B")]
    [InlineData("menuentry 'T' {", null)]
    public void Parse_IdForms_TakeTheIdAsGrubArgParseDoes(string header, string? id)
    {
        var entry = Single(header + "\n\tlinux /k\n}\n");

        Assert.Equal("T", entry.Title);
        Assert.Equal(id, entry.Id);
    }

    [Fact]
    public void Parse_ClassListWithBareWord_BareWordIsAnArgumentNotTheTitle()
    {
        var entry = Single("menuentry 'CentOS' --class rhel fedora --class gnu-linux --unrestricted {\n\tlinux16 /k\n}\n");

        Assert.Equal("CentOS", entry.Title);
        Assert.Equal(["rhel", "gnu-linux"], entry.Classes);
    }

    [Theory]
    [InlineData("menuentry --frobnicate 'T' {", "--frobnicate")]
    [InlineData("menuentry -x 'T' {", "-x")]
    [InlineData("menuentry - 'T' {", "-")]
    [InlineData("menuentry -- --id X {", "--id")]
    public void Parse_UnknownOptionsAndDoubleDash_ArePlainArgumentsSoTheFirstIsTheTitle(string header, string title)
    {
        var entry = Single(header + "\n\tlinux /k\n}\n");

        Assert.Equal(title, entry.Title);
        Assert.Null(entry.Id);
    }

    [Theory]
    [InlineData("menuentry 'T' --id {")]
    [InlineData("menuentry 'T' --id -x {")]
    [InlineData("menuentry 'T' --unrestricted=yes {")]
    [InlineData("menuentry 'T' --help {")]
    [InlineData("menuentry --id X {")]
    [InlineData("menuentry {")]
    [InlineData("menuentry 'T' --source 'linux /k' {")]
    public void Parse_MenuentryGrubWouldFail_AddsNoEntry(string header)
    {
        var menu = GrubConfigParser.Parse(header + "\n\tlinux /k\n}\nmenuentry 'after' {\n\tlinux /k\n}\n");

        Assert.Equal(["after"], menu.Entries.Select(e => e.Title));
    }

    [Fact]
    public void Parse_MenuentryWithoutBlock_AddsNoEntry()
    {
        Assert.Empty(GrubConfigParser.Parse("menuentry 'T' --id x\n").Entries);
    }

    [Fact]
    public void Parse_SourceOption_BodyIsTheString()
    {
        var entry = Single("menuentry 'S' --source 'linux /k a  b\ninitrd /i1 /i2'\n");

        Assert.Equal(("/k", "a b"), (entry.Kernel, entry.Args));
        Assert.Equal(["/i1", "/i2"], entry.Initrd);
    }

    [Theory]
    [InlineData("linux", "initrd")]
    [InlineData("linux16", "initrd16")]
    [InlineData("linuxefi", "initrdefi")]
    public void Parse_KernelAndInitrdCommandVariants_AllRecognised(string linux, string initrd)
    {
        var entry = Single($"menuentry 'T' {{\n  {linux}  /vmlinuz  root=/dev/vda1   ro\t$extra ''\n  {initrd} /ucode.img   /initrd.img\n}}\n");

        Assert.Equal("/vmlinuz", entry.Kernel);
        Assert.Equal("root=/dev/vda1 ro $extra", entry.Args);
        Assert.Equal(["/ucode.img", "/initrd.img"], entry.Initrd);
    }

    [Fact]
    public void Parse_KernelLineInsideIfInTheBody_FirstOneIsTaken()
    {
        var entry = Single("menuentry 'T' {\n if [ x$grub_platform = xefi ]; then\n  linuxefi /efi-k a\n else\n  linux /bios-k b\n fi\n initrd /i\n}\n");

        Assert.Equal(("/efi-k", "a"), (entry.Kernel, entry.Args));
        Assert.False(entry.Conditional);
    }

    [Fact]
    public void Parse_EntriesInIfElifElseAndLoops_AreConditionalOthersAreNot()
    {
        var menu = GrubConfigParser.Parse(
            "menuentry 'before' { linux /k; }\n" +
            "if [ \"${grub_platform}\" == \"pc\" ]; then\n  menuentry 'then' { linux /k; }\n" +
            "elif true; then menuentry 'elif' { linux /k; }\n" +
            "else\n  submenu 'else' {\n    menuentry 'nested' { linux /k; }\n  }\nfi\n" +
            "for x in a b; do menuentry 'for' { linux /k; }; done\n" +
            "while false; do menuentry 'while' { linux /k; }; done\n" +
            "menuentry 'after' { linux /k; }\n");

        Assert.Equal(
            [("before", false), ("then", true), ("elif", true), ("nested", true), ("for", true), ("while", true), ("after", false)],
            menu.Entries.Select(e => (e.Title, e.Conditional)));
    }

    [Fact]
    public void Parse_EntryInsideFunction_IsNotInTheMenu()
    {
        var menu = GrubConfigParser.Parse("function add_entry {\n  menuentry 'hidden' { linux /k; }\n}\nmenuentry 'shown' {\n\tlinux /k\n}\n");

        Assert.Equal(["shown"], menu.Entries.Select(e => e.Title));
    }

    [Fact]
    public void Parse_CommentsAndHashInsideWords_OnlyWordInitialHashIsAComment()
    {
        var menu = GrubConfigParser.Parse(
            "# menuentry 'commented' {\nmenuentry 'T#1' { # a { brace in a comment\n\tlinux /k a#b # c\n}\n");

        var entry = Assert.Single(menu.Entries);
        Assert.Equal(("T#1", "a#b"), (entry.Title, entry.Args));
    }

    [Fact]
    public void Parse_BracesInsideAWordAndOnOneLine_AreTokensOfTheirOwn()
    {
        var entry = Single("menuentry 'T'{ linux /k x; initrd /i }\n");

        Assert.Equal(("T", "/k", "x"), (entry.Title, entry.Kernel, entry.Args));
        Assert.Equal(["/i"], entry.Initrd);
    }

    [Fact]
    public void Parse_ReservedWordsAsArguments_AreOrdinaryWords()
    {
        var entry = Single("menuentry if then fi done {\n\techo if then else fi\n\tlinux /k in do\n}\n");

        Assert.Equal(("if", "in do"), (entry.Title, entry.Args));
    }

    [Fact]
    public void Parse_CustomEntryIndentedWithSpaces_Parses()
    {
        var entry = Single("menuentry \"Custom\" {\n    set root='hd0,gpt2'\n    linux  /boot/vmlinuz-6.1  root=/dev/sda2  ro\n    initrd  /boot/initrd.img-6.1\n}\n");

        Assert.Equal(("/boot/vmlinuz-6.1", "root=/dev/sda2 ro"), (entry.Kernel, entry.Args));
    }

    [Fact]
    public void Parse_NestedSubmenus_PathsJoinLevels()
    {
        var menu = GrubConfigParser.Parse(
            "submenu 'Outer' --id outer {\n  submenu 'Inner' {\n    menuentry 'Leaf' --id leaf { linux /k; }\n  }\n}\n");

        Assert.Equal("outer>Inner>leaf", Assert.Single(menu.Entries).Path);
        Assert.True(menu.Items[0].Children[0].IsSubmenu);
    }

    [Fact]
    public void Parse_BlscfgCommand_SnippetsGoWhereTheCommandIsAndLoaderGetsTheDefaultDirectory()
    {
        var asked = new List<string>();
        IReadOnlyList<BlsFile> Loader(string directory)
        {
            asked.Add(directory);
            return [new BlsFile("m-1.0-1.conf", "title One\nlinux /vmlinuz-1\n"), new BlsFile("m-2.0-1.conf", "title Two\nlinux /vmlinuz-2\n")];
        }

        var menu = GrubConfigParser.Parse(
            "menuentry 'first' { linux /k; }\ninsmod blscfg\nblscfg\nmenuentry 'last' { linux /k; }\nif true; then\n  bls_import\nfi\n",
            Loader);

        Assert.Equal(
            [("first", false), ("Two", false), ("One", false), ("last", false), ("Two", true), ("One", true)],
            menu.Entries.Select(e => (e.Title, e.Conditional)));
        Assert.Equal([GrubConfigParser.DefaultBlsDirectory, GrubConfigParser.DefaultBlsDirectory], asked);
    }

    [Fact]
    public void Parse_BlscfgWithoutLoader_AddsNothing()
    {
        Assert.Empty(GrubConfigParser.Parse("blscfg\n").Entries);
    }

    [Fact]
    public void Parse_NoFinalNewlineAndEmptyText_Parse()
    {
        Assert.Empty(GrubConfigParser.Parse(string.Empty).Entries);
        Assert.Equal("T", Single("menuentry T { linux /k; }").Title);
    }

    [Fact]
    public void Parse_ConfigPath_IsRecorded()
    {
        Assert.Equal("/boot/grub/grub.cfg", GrubConfigParser.Parse(string.Empty, null, "/boot/grub/grub.cfg").ConfigPath);
    }

    [Theory]
    [InlineData("menuentry 'T {\n\tlinux /k\n}\n", 1, "single quote is never closed")]
    [InlineData("set a=1\nmenuentry \"T {\n\tlinux /k\n}\n", 2, "double quote is never closed")]
    [InlineData("menuentry 'T' {\n\tlinux /k\n", 1, "missing '}'")]
    [InlineData("menuentry 'T' {\n\tlinux /k\n}\n}\n", 4, "'}' without a matching '{'")]
    [InlineData("if true; then\n  set a=1\n", 1, "missing 'elif' or 'else' or 'fi'")]
    [InlineData("set a=1\nfi\n", 2, "unexpected 'fi'")]
    [InlineData("if true; then\nfi\n", 1, "has no commands")]
    [InlineData("menuentry 'T' {\n}\n", 1, "has no commands")]
    [InlineData("menuentry 'T'\n{\n\tlinux /k\n}\n", 2, "'{' must follow a command on the same line")]
    [InlineData("menuentry 'T' { linux /k; } extra\n", 1, "expected a new line or ';' before 'extra'")]
    [InlineData("echo a | b\n", 1, "'|' outside quotes")]
    [InlineData("echo a && b\n", 1, "'&' outside quotes")]
    [InlineData("echo a > b\n", 1, "'>' outside quotes")]
    [InlineData("\n\necho $ money\n", 3, "'$' is not followed by a variable name")]
    [InlineData("echo ${unclosed\n", 1, "is not closed with '}'")]
    [InlineData("menuentry 'T' {\n  function f { linux /k; }\n}\n", 2, "only be defined at the top level")]
    [InlineData("; echo\n", 1, "';' with no command before it")]
    [InlineData("case x in\n", 1, "unexpected 'case'")]
    [InlineData("for x y; do echo; done\n", 1, "expected 'in'")]
    public void Parse_TextGrubRejects_ThrowsFormatErrorWithLine(string cfg, int line, string problem)
    {
        var e = Rejects(cfg);

        Assert.Equal(line, e.Line);
        Assert.Contains(problem, e.Problem);
        Assert.StartsWith($"line {line}: ", e.Message);
    }

    [Fact]
    public void Parse_DeepNesting_ThrowsFormatErrorNotStackOverflow()
    {
        string deep = string.Concat(Enumerable.Repeat("if true; then\n", 100_000));

        var e = Rejects(deep);

        Assert.Contains("nested more than", e.Problem);
    }

    [Fact]
    public void Parse_DeepBlocks_ThrowsFormatErrorNotStackOverflow()
    {
        string deep = string.Concat(Enumerable.Repeat("submenu x {\n", 100_000));

        Assert.Contains("nested more than", Rejects(deep).Problem);
    }
}
