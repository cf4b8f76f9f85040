using Appliance.Core.Menu;
using GrubMenu = Appliance.Core.Menu.Menu;

namespace Appliance.Tests.Core.Menu;

/// <summary>BLS snippets read and ordered as blscfg does (grub-core/commands/blscfg.c, rhboot/grub2).</summary>
public sealed class BlsEntriesTests
{
    private static GrubMenu Bls(params BlsFile[] files) => GrubConfigParser.Parse("blscfg\n", _ => files);

    private static BlsFile Snippet(string name, string text = "linux /vmlinuz\n") => new(name, text);

    [Theory]
    [InlineData("1.0", "1.0", 0)]
    [InlineData("1.0", "2.0", -1)]
    [InlineData("2.0.1", "2.0", 1)]
    [InlineData("2.0", "2.0.1", -1)]
    [InlineData("5.5p1", "5.5p2", -1)]
    [InlineData("5.5p10", "5.5p1", 1)]
    [InlineData("10xyz", "10.1xyz", -1)]
    [InlineData("xyz10", "xyz10.1", -1)]
    [InlineData("1.0a", "1.0", 1)]
    [InlineData("1.0aa", "1.0a", 1)]
    [InlineData("a", "1", -1)]
    [InlineData("1.010", "1.9", 1)]
    [InlineData("1.05", "1.5", 0)]
    [InlineData("1.0", "1_0", 0)]
    [InlineData("fc4", "fc.4", 0)]
    [InlineData("1.0~rc1", "1.0", -1)]
    [InlineData("1.0~rc1", "1.0~rc2", -1)]
    [InlineData("1.0~rc1~git123", "1.0~rc1", -1)]
    [InlineData("1.0+1", "1.0", 1)]
    [InlineData("1.0", "1.0+1", -1)]
    [InlineData("1.0+a", "1.0+b", -1)]
    [InlineData("6.0.12", "5.14.14", 1)]
    [InlineData("100.fc35.x86_64", "300.fc35.x86_64", -1)]
    [InlineData("", "", 0)]
    [InlineData("", "1", -1)]
    [InlineData("99999999999999999999999", "99999999999999999999998", 1)]
    public void Compare_RpmVercmpCases_MatchRpm(string a, string b, int expected)
    {
        Assert.Equal(expected, RpmVersion.Compare(a, b));
        Assert.Equal(-expected, RpmVersion.Compare(b, a));
    }

    [Theory]
    [InlineData("fbb2514d30d245e09bacef0b91f01c45-6.0.12-100.fc35.x86_64", "fbb2514d30d245e09bacef0b91f01c45-5.14.14-300.fc35.x86_64", 1)]
    [InlineData("fbb2514d30d245e09bacef0b91f01c45-5.14.14-300.fc35.x86_64", "fbb2514d30d245e09bacef0b91f01c45-5.14.14-200.fc34.x86_64", 1)]
    [InlineData("fbb2514d30d245e09bacef0b91f01c45-5.11.12-300.fc34.x86_64", "c0a4265de6ec4238859db2e7cb8b92d1-6.0.12-100.fc35.x86_64", 1)]
    [InlineData("dfac0af9ab37411fb113ce430dd79e9e-4.18.0-240.el8.x86_64", "dfac0af9ab37411fb113ce430dd79e9e-0-rescue", 1)]
    [InlineData("kernel-5", "kernel-4", 1)]
    [InlineData("plain", "plain", 0)]
    public void CompareFileNames_NameFirstThenVersionThenRelease(string a, string b, int expected)
    {
        Assert.Equal(expected, RpmVersion.CompareFileNames(a, b));
    }

    [Theory]
    [MemberData(nameof(BlsTreeNames))]
    public void Parse_BlsFixtureSnippetsInAnyOrder_SameNewestFirstMenu(string tree)
    {
        var snippets = MenuFixtures.Snippets(tree);
        string cfg = MenuFixtures.Text(Path.Combine(tree, "grub.cfg"));

        var forward = GrubConfigParser.Parse(cfg, _ => snippets);
        var backward = GrubConfigParser.Parse(cfg, _ => snippets.Reverse().ToList());

        Assert.Equal(forward.Entries.Select(e => e.Path), backward.Entries.Select(e => e.Path));
        Assert.Equal(snippets.Count, forward.Entries.Count);
    }

    public static TheoryData<string> BlsTreeNames() => [.. MenuFixtures.BlsTrees];

    [Fact]
    public void Parse_SnippetsComparingEqual_LaterOneIsDropped()
    {
        var menu = Bls(Snippet("m-1.05-1.conf", "title first\nlinux /a\n"), Snippet("m-1.5-1.conf", "title second\nlinux /b\n"));

        Assert.Equal(["first"], menu.Entries.Select(e => e.Title));
    }

    [Fact]
    public void Parse_FileNamesGrubSkips_AreIgnored()
    {
        var menu = Bls(Snippet(".hidden-1.0-1.conf"), Snippet(".conf"), Snippet("notes.txt"), Snippet("x.conf.bak"), Snippet("ok-1.0-1.conf"));

        Assert.Equal(["ok-1.0-1"], menu.Entries.Select(e => e.Id));
    }

    [Fact]
    public void Parse_SnippetWithoutLinux_MakesNoEntryAndTitleDefaultsToLinuxPath()
    {
        var menu = Bls(Snippet("a-1.0-1.conf", "title UKI\nefi /EFI/Linux/a.efi\n"), Snippet("b-1.0-1.conf", "linux /vmlinuz-b\n"));

        var entry = Assert.Single(menu.Entries);
        Assert.Equal(("b-1.0-1", "/vmlinuz-b", "/vmlinuz-b"), (entry.Id, entry.Title, entry.Kernel));
    }

    [Fact]
    public void Parse_SnippetLines_ReadAsReadEntryDoes()
    {
        var menu = Bls(Snippet(
            "k-6.1-1.conf",
            "# comment\r\n   title   Spaced  Title\r\n\tlinux\t/vmlinuz\r\ninitrd /a.img $tuned_initrd\r\ninitrd  /b.img\r\noptions  root=/dev/sda1   ro\r\noptions ignored\r\ngrub_class kernel\r\ngrub_class extra\r\n"));

        var entry = Assert.Single(menu.Entries);
        Assert.Equal(("Spaced  Title", "/vmlinuz", "root=/dev/sda1 ro"), (entry.Title, entry.Kernel, entry.Args));
        Assert.Equal(["/a.img", "$tuned_initrd", "/b.img"], entry.Initrd);
        Assert.Equal(["kernel", "extra"], entry.Classes);
        Assert.Equal("k-6.1-1.conf", entry.BlsFileName);
    }

    [Theory]
    [InlineData("linux /vmlinuz\n\noptions after-empty-line\n")]
    [InlineData("linux /vmlinuz\noptions\noptions after-key-only\n")]
    [InlineData("linux /vmlinuz\noptions \noptions after-key-and-one-space\n")]
    public void Parse_LineWithoutValue_EndsTheSnippetThere(string text)
    {
        var entry = Assert.Single(Bls(Snippet("k-1.0-1.conf", text)).Entries);

        Assert.Equal(("/vmlinuz", ""), (entry.Kernel, entry.Args));
    }

    [Fact]
    public void Parse_TabSeparatedKeyWithSpaceInValue_SplitsAtTheFirstSpaceAsGrubDoes()
    {
        var entry = Assert.Single(Bls(Snippet("k-1.0-1.conf", "linux /vmlinuz\ntitle\tMy Kernel\n")).Entries);

        Assert.Equal("/vmlinuz", entry.Title);
    }
}
