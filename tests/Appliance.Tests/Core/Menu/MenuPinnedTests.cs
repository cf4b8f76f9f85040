using Appliance.Core.Menu;

namespace Appliance.Tests.Core.Menu;

/// <summary>
/// Known-good and trial references must keep naming their kernel after the next update-grub:
/// Debian and Ubuntu list the newest kernel twice, once as gnulinux-simple-UUID (which moves to
/// whatever kernel is newest) and once in "Advanced options" by version. Stock generated files.
/// </summary>
public sealed class MenuPinnedTests
{
    [Theory]
    [InlineData("generated/debian-12-grub-mkconfig.grub.cfg", "gnulinux-simple-0b3c2f0e-1111-4222-8333-444455556666", "gnulinux-advanced-0b3c2f0e-1111-4222-8333-444455556666>gnulinux-6.1.0-56-amd64-advanced-0b3c2f0e-1111-4222-8333-444455556666")]
    [InlineData("generated/debian-12-guest-two-kernels-appliance.grub.cfg", "gnulinux-simple-513b9367-01c0-43d8-9041-e45173db9a96", "gnulinux-advanced-513b9367-01c0-43d8-9041-e45173db9a96>gnulinux-6.1.0-55-amd64-advanced-513b9367-01c0-43d8-9041-e45173db9a96")]
    [InlineData("ubuntu-22.04-uefi-desktop.grub.cfg", "gnulinux-simple-d5e58d4a-618d-4557-a098-819b96959bee", "gnulinux-advanced-d5e58d4a-618d-4557-a098-819b96959bee>gnulinux-5.15.0-25-generic-advanced-d5e58d4a-618d-4557-a098-819b96959bee")]
    public void Pinned_StockSimpleEntry_IsItsVersionedTwinInTheSubmenu(string fixture, string simple, string versioned)
    {
        var menu = MenuFixtures.Parse(fixture);

        var pinned = menu.Pinned(menu.Resolve(simple)!);

        Assert.Equal(versioned, pinned.Path);
        Assert.Equal(menu.Resolve(simple)!.Kernel, pinned.Kernel);
    }

    [Theory]
    [MemberData(nameof(MenuFixtures.AllNames), MemberType = typeof(MenuFixtures))]
    public void Pinned_EveryFixtureEntry_SameKernelArgsAndInitrd(string fixture)
    {
        var menu = MenuFixtures.Parse(fixture);

        foreach (var entry in menu.Entries)
        {
            var pinned = menu.Pinned(entry);

            Assert.Equal(entry.Kernel, pinned.Kernel);
            Assert.Equal(entry.Args, pinned.Args);
            Assert.Equal(entry.Initrd, pinned.Initrd);
            Assert.Same(pinned, menu.Pinned(pinned));
        }
    }

    [Fact]
    public void Pinned_VersionedEntry_IsItself()
    {
        var menu = MenuFixtures.Parse("generated/debian-12-grub-mkconfig.grub.cfg");
        var versioned = menu.Entries.Single(e => e.Id == "gnulinux-6.1.0-56-amd64-advanced-0b3c2f0e-1111-4222-8333-444455556666");

        Assert.Same(versioned, menu.Pinned(versioned));
    }

    [Fact]
    public void Pinned_RecoveryEntry_KeepsItsOwnArgumentsAndIsNotSwapped()
    {
        var menu = MenuFixtures.Parse("generated/debian-12-grub-mkconfig.grub.cfg");
        var recovery = menu.Entries.Single(e => e.Id!.Contains("recovery", StringComparison.Ordinal));

        Assert.Same(recovery, menu.Pinned(recovery));
    }

    [Fact]
    public void Pinned_FedoraBlsEntries_AlreadyNameTheirVersion()
    {
        var menu = MenuFixtures.Parse("fedora-35-cloud-bls");

        Assert.All(menu.Entries, e => Assert.Same(e, menu.Pinned(e)));
    }

    [Fact]
    public void Pinned_HandWrittenEntryWithoutTwin_IsItself()
    {
        var menu = GrubConfigParser.Parse("""
            menuentry 'Linux' --id good { linux /boot/vmlinuz-6.1 root=/dev/vda1 }
            menuentry 'Other' --id other { linux /boot/vmlinuz-6.1 root=/dev/vda1 single }
            """);

        Assert.Same(menu.Entries[0], menu.Pinned(menu.Entries[0]));
    }

    [Theory]
    [InlineData("/boot/vmlinuz-6.1.0-57-amd64", "6.1.0-57-amd64")]
    [InlineData("/vmlinuz-5.14.14-200.fc34.x86_64", "5.14.14-200.fc34.x86_64")]
    [InlineData("(hd0,msdos1)/boot/vmlinuz-6.1", "6.1")]
    [InlineData("/boot/vmlinuz", null)]
    [InlineData("/boot/vmlinuz-", null)]
    [InlineData(null, null)]
    public void KernelVersion_DistroFileNames_PartAfterTheFirstDash(string? path, string? version)
    {
        Assert.Equal(version, GrubMenuVersion(path));
    }

    private static string? GrubMenuVersion(string? path) => Appliance.Core.Menu.Menu.KernelVersion(path);
}
