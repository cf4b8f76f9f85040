using Appliance.Linux.Files;
using Appliance.Linux.Menu;
using Appliance.Tests.Core.Menu;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Menu;

/// <summary>Finding and reading grub.cfg and the BLS snippets in a system tree.</summary>
public sealed class MenuReaderTests
{
    private static void Install(TempDir root, string fixture) => MenuFixtures.InstallInto(root, fixture);

    [Theory]
    [MemberData(nameof(MenuFixtures.AllNames), MemberType = typeof(MenuFixtures))]
    public void Read_FixtureInstalledUnderRoot_SameMenuAsParsingItAndRecordsTheConfigPath(string fixture)
    {
        using var root = new TempDir();
        Install(root, fixture);

        var menu = MenuReader.Read(root.Path, configOverride: null);

        Assert.Equal(MenuFixtures.Parse(fixture).Entries, menu.Entries);
        string expected = MenuFixtures.BlsTrees.Contains(fixture) ? "boot/grub2/grub.cfg" : "boot/grub/grub.cfg";
        Assert.Equal(root.File(expected), menu.ConfigPath);
    }

    [Fact]
    public void Read_ConfigOverride_IsReadAsGivenAndSnippetsStillComeFromTheRoot()
    {
        using var root = new TempDir();
        Install(root, "fedora-35-cloud-bls");
        string other = root.Write("elsewhere/custom.cfg", "menuentry 'Mine' { linux /k; }\nblscfg\n");

        var menu = MenuReader.Read(root.Path, other);

        Assert.Equal(other, menu.ConfigPath);
        Assert.Equal(5, menu.Entries.Count);
        Assert.Equal("Mine", menu.Entries[0].Title);
    }

    [Fact]
    public void Read_BlscfgWithoutEntriesDirectory_HasNoBlsEntries()
    {
        using var root = new TempDir();
        root.Write("boot/grub2/grub.cfg", "menuentry 'Only' { linux /k; }\nblscfg\n");

        Assert.Equal(["Only"], MenuReader.Read(root.Path, null).Entries.Select(e => e.Title));
    }

    [Fact]
    public void Read_EntriesDirectoryWithOtherFilesAndSubdirectories_TakesOnlyConfSnippets()
    {
        using var root = new TempDir();
        root.Write("boot/grub2/grub.cfg", "blscfg\n");
        root.Write("boot/loader/entries/a-1.0-1.conf", "title A\nlinux /a\n");
        root.Write("boot/loader/entries/README", "title R\nlinux /r\n");
        root.Subdirectory("boot/loader/entries/dir.conf");

        Assert.Equal(["A"], MenuReader.Read(root.Path, null).Entries.Select(e => e.Title));
    }

    [Fact]
    public void DefaultConfigPath_BothDirectories_FollowsTheGrubenvDirectory()
    {
        using var root = new TempDir();
        root.Write("boot/grub/grub.cfg", "");
        root.Write("boot/grub2/grub.cfg", "");
        root.Write("boot/grub2/grubenv", "");

        Assert.Equal(root.File("boot/grub2/grub.cfg"), MenuReader.DefaultConfigPath(root.Path));
    }

    [Fact]
    public void DefaultConfigPath_OnlyGrub2Config_IsThatOne()
    {
        using var root = new TempDir();
        root.Write("boot/grub2/grub.cfg", "");

        Assert.Equal(root.File("boot/grub2/grub.cfg"), MenuReader.DefaultConfigPath(root.Path));
    }

    [Fact]
    public void Read_NoConfigAnywhere_MissingNamingBothPlaces()
    {
        using var root = new TempDir();

        var e = Assert.Throws<FileProblemException>(() => MenuReader.Read(root.Path, null));

        Assert.Equal(FileProblemKind.Missing, e.Kind);
        Assert.Equal(root.File("boot/grub/grub.cfg"), e.Path);
        Assert.Contains("boot/grub2/grub.cfg", e.Message);
    }

    [Fact]
    public void Read_ConfigIsADirectory_NotARegularFile()
    {
        using var root = new TempDir();
        string directory = root.Subdirectory("cfg");

        var e = Assert.Throws<FileProblemException>(() => MenuReader.Read(root.Path, directory));

        Assert.Equal(FileProblemKind.NotARegularFile, e.Kind);
    }

    [Fact]
    public void Read_ConfigGrubCannotParse_CorruptWithPathAndLine()
    {
        using var root = new TempDir();
        string cfg = root.Write("boot/grub/grub.cfg", "set default=0\nmenuentry 'broken {\n  linux /k\n}\n");

        var e = Assert.Throws<FileProblemException>(() => MenuReader.Read(root.Path, null));

        Assert.Equal(FileProblemKind.Corrupt, e.Kind);
        Assert.Equal(cfg, e.Path);
        Assert.Contains("line 2: single quote is never closed", e.Message);
    }

    [Fact]
    public void Read_InvalidUtf8_DecodesWithReplacementCharacters()
    {
        using var root = new TempDir();
        string cfg = root.File("grub.cfg");
        File.WriteAllBytes(cfg, [.. "menuentry 'caf"u8, 0xE9, .. "' { linux /k; }\n"u8]);

        Assert.Equal("caf\uFFFD", MenuReader.Read(root.Path, cfg).Entries[0].Title);
    }
}
