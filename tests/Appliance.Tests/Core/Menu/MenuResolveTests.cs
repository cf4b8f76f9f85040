using Appliance.Core.Menu;
using GrubMenu = Appliance.Core.Menu.Menu;

namespace Appliance.Tests.Core.Menu;

/// <summary>Looking references up as GRUB 2.06 does for <c>default</c> (grub-core/normal/menu.c).</summary>
public sealed class MenuResolveTests
{
    private const string Uuid = "db3f2f52-b65e-482a-a3c1-4b1123c8c5d5";
    private const string Advanced = $"gnulinux-advanced-{Uuid}";

    private static GrubMenu Ubuntu() => MenuFixtures.Parse("ubuntu-18.04-uefi.grub.cfg");

    private static string? TitleOf(GrubMenu menu, string reference) => menu.Resolve(reference)?.Title;

    [Theory]
    [InlineData("0", "Ubuntu")]
    [InlineData("2", "System setup")]
    [InlineData(" 2", "System setup")]
    [InlineData("2 (old numbering)", "System setup")]
    [InlineData("0x2", "System setup")]
    [InlineData("1>3", "Ubuntu, with Linux 4.15.0-163-generic (recovery mode)")]
    public void Resolve_Number_IsTheIndexAtThatLevel(string reference, string title)
    {
        Assert.Equal(title, TitleOf(Ubuntu(), reference));
    }

    [Fact]
    public void Resolve_LeadingZero_IsOctalAsGrubStrtoulReadsIt()
    {
        var menu = MenuFixtures.Parse("centos-7-lvm.grub.cfg");

        Assert.Same(menu.Entries[8], menu.Resolve("010"));
        Assert.Same(menu.Entries[8], menu.Resolve("08"));
    }

    [Theory]
    [InlineData("uefi-firmware", "System setup")]
    [InlineData("System setup", "System setup")]
    [InlineData($"gnulinux-simple-{Uuid}", "Ubuntu")]
    [InlineData($"{Advanced}>gnulinux-4.15.0-163-generic-advanced-{Uuid}", "Ubuntu, with Linux 4.15.0-163-generic")]
    [InlineData("Advanced options for Ubuntu>Ubuntu, with Linux 4.15.0-163-generic", "Ubuntu, with Linux 4.15.0-163-generic")]
    [InlineData($"{Advanced}>Ubuntu, with Linux 4.15.0-166-generic (recovery mode)", "Ubuntu, with Linux 4.15.0-166-generic (recovery mode)")]
    [InlineData($"Advanced options for Ubuntu>gnulinux-4.15.0-163-generic-recovery-{Uuid}", "Ubuntu, with Linux 4.15.0-163-generic (recovery mode)")]
    public void Resolve_IdOrTitleAtEachLevel_FindsTheEntry(string reference, string title)
    {
        Assert.Equal(title, TitleOf(Ubuntu(), reference));
    }

    [Theory]
    [InlineData(Advanced)]
    [InlineData("Advanced options for Ubuntu")]
    [InlineData($"{Advanced}>")]
    [InlineData("1")]
    public void Resolve_SubmenuAlone_IsItsFirstEntryAsGrubBootsIt(string reference)
    {
        var menu = Ubuntu();

        Assert.Same(menu.Entries[1], menu.Resolve(reference));
    }

    [Fact]
    public void Resolve_EntryFollowedByMorePath_IsTheEntryAsGrubBootsIt()
    {
        Assert.Equal("System setup", TitleOf(Ubuntu(), "uefi-firmware>anything"));
    }

    [Fact]
    public void Lookup_StaleKernelId_NotFoundWithClosestCandidatesAndGrubsFallback()
    {
        var menu = Ubuntu();

        var lookup = menu.Lookup($"{Advanced}>gnulinux-4.15.0-162-generic-advanced-{Uuid}");

        Assert.False(lookup.Found);
        Assert.Null(lookup.Entry);
        Assert.Contains($"no entry in submenu '{Advanced}' has the title or id 'gnulinux-4.15.0-162-generic-advanced-{Uuid}'", lookup.Problem);
        Assert.Equal(
            [$"{Advanced}>gnulinux-4.15.0-166-generic-advanced-{Uuid}", $"{Advanced}>gnulinux-4.15.0-163-generic-advanced-{Uuid}"],
            lookup.Candidates.Take(2).Select(c => c.Path));
        Assert.Same(menu.Entries[1], lookup.GrubWouldBoot);
    }

    [Fact]
    public void Lookup_UnknownTopLevelTitle_GrubWouldBootEntryZero()
    {
        var menu = Ubuntu();

        var lookup = menu.Lookup("Ubuntu 24.04");

        Assert.Null(lookup.Entry);
        Assert.Contains("no entry in the top-level menu has the title or id 'Ubuntu 24.04'", lookup.Problem);
        Assert.Contains($"GRUB would boot 'gnulinux-simple-{Uuid}' instead", lookup.Problem);
        Assert.Same(menu.Entries[0], lookup.GrubWouldBoot);
        Assert.Same(menu.Entries[0], lookup.Candidates[0]);
    }

    [Theory]
    [InlineData("3", "there is no entry 3 in the top-level menu, which has 3")]
    [InlineData("1>4", $"there is no entry 4 in submenu '{Advanced}', which has 4")]
    [InlineData("99999999999999999999999", "too large")]
    [InlineData("-1", "has the title or id '-1'")]
    [InlineData("", "has the title or id ''")]
    public void Lookup_BadNumbers_NotFoundWithReason(string reference, string problem)
    {
        var lookup = Ubuntu().Lookup(reference);

        Assert.Null(lookup.Entry);
        Assert.Contains(problem, lookup.Problem);
        Assert.NotNull(lookup.GrubWouldBoot);
    }

    [Fact]
    public void Resolve_TitleWithSingleGreaterThan_NeedsItDoubled()
    {
        var menu = GrubConfigParser.Parse(
            "menuentry 'A > B' { linux /a; }\nsubmenu 'X>Y' {\n  menuentry 'in>side' --id 'id>1' { linux /b; }\n}\n");

        Assert.Equal(["A >> B", "X>>Y>id>>1"], menu.Entries.Select(e => e.Path));
        Assert.Same(menu.Entries[0], menu.Resolve("A >> B"));
        Assert.Null(menu.Resolve("A > B"));
        Assert.Same(menu.Entries[1], menu.Resolve("X>>Y>in>>side"));
        Assert.Same(menu.Entries[1], menu.Resolve("X>>Y>id>>1"));
        Assert.Null(menu.Resolve("X>Y>id>1"));
    }

    [Fact]
    public void Resolve_IdOrTitle_FirstMatchInMenuOrderWins()
    {
        var menu = GrubConfigParser.Parse(
            "menuentry 'alpha' --id beta { linux /1; }\nmenuentry 'beta' --id alpha { linux /2; }\nmenuentry 'gamma' { linux /3; }\n");

        Assert.Equal("/1", menu.Resolve("alpha")?.Kernel);
        Assert.Equal("/1", menu.Resolve("beta")?.Kernel);
        Assert.Equal("/3", menu.Resolve("gamma")?.Kernel);
        Assert.Equal(["beta", "1", "gamma"], menu.Entries.Select(e => e.Path));
        Assert.Equal("/2", menu.Resolve("1")?.Kernel);
    }

    [Fact]
    public void Path_SharedIdsAndNumericTitles_FallBackToTitleThenIndexAndStillRoundTrip()
    {
        var menu = GrubConfigParser.Parse(
            "menuentry 'first' --id same { linux /1; }\n" +
            "menuentry 'second' --id same { linux /2; }\n" +
            "menuentry '2nd try' --id same { linux /3; }\n" +
            "menuentry '2nd try' --id same { linux /4; }\n" +
            "menuentry '0x10 kernel' { linux /5; }\n");

        Assert.Equal(["same", "second", "2nd try", "3", "4"], menu.Entries.Select(e => e.Path));
        Assert.All(menu.Entries, e => Assert.Same(e, menu.Resolve(e.Path)));
        Assert.Equal("/3", menu.Resolve("2nd try")?.Kernel);
        Assert.Null(menu.Resolve("0x10 kernel"));
    }

    [Fact]
    public void Lookup_EmptySubmenu_NotFound()
    {
        var menu = GrubConfigParser.Parse("submenu 'Empty' {\n  true\n}\nmenuentry 'After' { linux /k; }\n");

        var lookup = menu.Lookup("Empty");

        Assert.Null(lookup.Entry);
        Assert.Contains("submenu 'Empty' has no entries", lookup.Problem);
        Assert.Same(menu.Entries[0], menu.Resolve("1"));
    }

    [Fact]
    public void TopLevelIndexOf_CountsSubmenusAsOneItemAndIsNullInsideOne()
    {
        var menu = Ubuntu();

        Assert.Equal([0, null, null, null, null, 2], menu.Entries.Select(menu.TopLevelIndexOf));
    }

    [Fact]
    public void TopLevelIndexOf_EqualCopyOfEntry_IsFoundAndForeignEntryIsNull()
    {
        var menu = Ubuntu();

        Assert.Equal(2, menu.TopLevelIndexOf(menu.Entries[5] with { }));
        Assert.Null(menu.TopLevelIndexOf(new MenuEntry("x", "x", null, null, [], "", false)));
    }

    [Fact]
    public void Resolve_FixtureIdsWithSpacesAndEquals_Resolve()
    {
        var debian = MenuFixtures.Parse("debian-10-osprober-arch.grub.cfg");
        var manjaro = MenuFixtures.Parse("manjaro-2020-12-uefi.grub.cfg");

        Assert.Equal(
            "Arch Linux, with Linux linux (recovery mode) (on /dev/sda3)",
            debian.Resolve("osprober-gnulinux-advanced-3bb3bcb9-89aa-48bf-b0a2-ca61f5ef8765>osprober-gnulinux-/boot/vmlinuz-linux-root=UUID=3bb3bcb9-89aa-48bf-b0a2-ca61f5ef8765 rw single-3bb3bcb9-89aa-48bf-b0a2-ca61f5ef8765")?.Title);
        Assert.Equal(
            "Manjaro Linux (Kernel: 5.8.18-1-MANJARO x64)",
            manjaro.Resolve("gnulinux-advanced-1d4f3731-ecc0-44ea-8f79-1116ec447ecb>gnulinux-5.8.18-1-MANJARO x64-advanced-1d4f3731-ecc0-44ea-8f79-1116ec447ecb")?.Title);
        Assert.Same(manjaro.Entries[^1], manjaro.Resolve("Memory Tester (memtest86+)"));
    }

    [Fact]
    public void Resolve_SharedIdOnCentOs7_IsTheFirstOfThem()
    {
        var menu = MenuFixtures.Parse("centos-7-lvm.grub.cfg");

        Assert.Same(menu.Entries[0], menu.Resolve("gnulinux-3.10.0-229.4.2.el7.x86_64-advanced-979b1fc2-63d2-4202-a216-baabd8a1b347"));
    }

    [Fact]
    public void Resolve_BlsMenuById_FileNameWithoutConfWorksAndConfIdKeyDoesNot()
    {
        var menu = MenuFixtures.Parse("centos-stream-8-lvm-bls");

        Assert.Same(menu.Entries[1], menu.Resolve("dfac0af9ab37411fb113ce430dd79e9e-0-rescue"));
        Assert.Null(menu.Resolve("centos-20200925195706-0-rescue-dfac0af9ab37411fb113ce430dd79e9e"));
    }
}
