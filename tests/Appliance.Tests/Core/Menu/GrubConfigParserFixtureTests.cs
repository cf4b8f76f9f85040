using Appliance.Core.Grubenv;
using Appliance.Core.Menu;

namespace Appliance.Tests.Core.Menu;

/// <summary>
/// Each real-world fixture parsed into exactly the entries GRUB would show, worked out by hand
/// from the files: every path, title, id, kernel, initrd list, argument string and conditional flag.
/// </summary>
public sealed class GrubConfigParserFixtureTests
{
    private static MenuEntry E(string path, string title, string? id, string? kernel, string[] initrd, string args, bool conditional = false) =>
        new(path, title, id, kernel, initrd, args, conditional);

    /// <summary>Compares field by field, so a failure names the entry and the field.</summary>
    private static void AssertEntries(IReadOnlyList<MenuEntry> expected, IReadOnlyList<MenuEntry> actual)
    {
        Assert.Equal(expected.Select(e => e.Path), actual.Select(e => e.Path));
        for (int i = 0; i < expected.Count; i++)
        {
            MenuEntry want = expected[i];
            MenuEntry got = actual[i];
            Assert.Equal((want.Path, want.Title, want.Id, want.Kernel, want.Args, want.Conditional), (got.Path, got.Title, got.Id, got.Kernel, got.Args, got.Conditional));
            Assert.Equal(want.Initrd, got.Initrd);
        }
    }

    [Fact]
    public void Parse_Ubuntu1804_SubmenuWithIdsVtHandoffAndSpaceTabIndentedLinuxLines()
    {
        const string uuid = "db3f2f52-b65e-482a-a3c1-4b1123c8c5d5";
        const string advanced = $"gnulinux-advanced-{uuid}";
        const string normal = $"root=UUID={uuid} ro quiet splash $vt_handoff";
        const string recovery = $"root=UUID={uuid} ro recovery nomodeset dis_ucode_ldr";

        var menu = MenuFixtures.Parse("ubuntu-18.04-uefi.grub.cfg");

        AssertEntries(
            [
                E($"gnulinux-simple-{uuid}", "Ubuntu", $"gnulinux-simple-{uuid}", "/boot/vmlinuz-4.15.0-166-generic", ["/boot/initrd.img-4.15.0-166-generic"], normal),
                E($"{advanced}>gnulinux-4.15.0-166-generic-advanced-{uuid}", "Ubuntu, with Linux 4.15.0-166-generic", $"gnulinux-4.15.0-166-generic-advanced-{uuid}", "/boot/vmlinuz-4.15.0-166-generic", ["/boot/initrd.img-4.15.0-166-generic"], normal),
                E($"{advanced}>gnulinux-4.15.0-166-generic-recovery-{uuid}", "Ubuntu, with Linux 4.15.0-166-generic (recovery mode)", $"gnulinux-4.15.0-166-generic-recovery-{uuid}", "/boot/vmlinuz-4.15.0-166-generic", ["/boot/initrd.img-4.15.0-166-generic"], recovery),
                E($"{advanced}>gnulinux-4.15.0-163-generic-advanced-{uuid}", "Ubuntu, with Linux 4.15.0-163-generic", $"gnulinux-4.15.0-163-generic-advanced-{uuid}", "/boot/vmlinuz-4.15.0-163-generic", ["/boot/initrd.img-4.15.0-163-generic"], normal),
                E($"{advanced}>gnulinux-4.15.0-163-generic-recovery-{uuid}", "Ubuntu, with Linux 4.15.0-163-generic (recovery mode)", $"gnulinux-4.15.0-163-generic-recovery-{uuid}", "/boot/vmlinuz-4.15.0-163-generic", ["/boot/initrd.img-4.15.0-163-generic"], recovery),
                E("uefi-firmware", "System setup", "uefi-firmware", null, [], ""),
            ],
            menu.Entries);
        Assert.Equal(["Ubuntu", "Advanced options for Ubuntu", "System setup"], menu.Items.Select(i => i.Title));
        Assert.True(menu.Items[1].IsSubmenu);
        Assert.Equal(advanced, menu.Items[1].Path);
        Assert.Equal(["ubuntu", "gnu-linux", "gnu", "os"], menu.Entries[0].Classes);
        Assert.Equal(134, menu.Entries[0].Line);
        Assert.Equal(241, menu.Entries[5].Line);
    }

    [Fact]
    public void Parse_Ubuntu2204_HiddenMenuConfigHasFourEntries()
    {
        const string uuid = "d5e58d4a-618d-4557-a098-819b96959bee";
        const string normal = $"root=UUID={uuid} ro quiet splash $vt_handoff";

        var menu = MenuFixtures.Parse("ubuntu-22.04-uefi-desktop.grub.cfg");

        AssertEntries(
            [
                E($"gnulinux-simple-{uuid}", "Ubuntu", $"gnulinux-simple-{uuid}", "/boot/vmlinuz-5.15.0-25-generic", ["/boot/initrd.img-5.15.0-25-generic"], normal),
                E($"gnulinux-advanced-{uuid}>gnulinux-5.15.0-25-generic-advanced-{uuid}", "Ubuntu, with Linux 5.15.0-25-generic", $"gnulinux-5.15.0-25-generic-advanced-{uuid}", "/boot/vmlinuz-5.15.0-25-generic", ["/boot/initrd.img-5.15.0-25-generic"], normal),
                E($"gnulinux-advanced-{uuid}>gnulinux-5.15.0-25-generic-recovery-{uuid}", "Ubuntu, with Linux 5.15.0-25-generic (recovery mode)", $"gnulinux-5.15.0-25-generic-recovery-{uuid}", "/boot/vmlinuz-5.15.0-25-generic", ["/boot/initrd.img-5.15.0-25-generic"], $"root=UUID={uuid} ro recovery nomodeset dis_ucode_ldr"),
                E("uefi-firmware", "UEFI Firmware Settings", "uefi-firmware", null, [], ""),
            ],
            menu.Entries);
    }

    [Fact]
    public void Parse_Debian10OsProber_TwoSubmenusSharedIdsIdWithSpacesAndEqualsAndCustomEntry()
    {
        const string debian = "e25f9f95-8531-4ef9-aed3-ef348d12e691";
        const string arch = "3bb3bcb9-89aa-48bf-b0a2-ca61f5ef8765";
        const string archAdvanced = $"osprober-gnulinux-advanced-{arch}";
        const string sharedId = $"osprober-gnulinux-/boot/vmlinuz-linux--{arch}";
        const string spacedId = $"osprober-gnulinux-/boot/vmlinuz-linux-root=UUID={arch} rw single-{arch}";
        var expected = new List<MenuEntry>
        {
            E($"gnulinux-simple-{debian}", "Debian GNU/Linux", $"gnulinux-simple-{debian}", "/boot/vmlinuz-4.19.0-4-amd64", ["/boot/initrd.img-4.19.0-4-amd64"], $"root=UUID={debian} ro quiet"),
        };
        foreach (string version in new[] { "4.19.0-4", "4.19.0-3", "4.19.0-2", "4.9.0-7" })
        {
            foreach (bool recovery in new[] { false, true })
            {
                string id = $"gnulinux-{version}-amd64-{(recovery ? "recovery" : "advanced")}-{debian}";
                expected.Add(E(
                    $"gnulinux-advanced-{debian}>{id}",
                    $"Debian GNU/Linux, with Linux {version}-amd64{(recovery ? " (recovery mode)" : "")}",
                    id,
                    $"/boot/vmlinuz-{version}-amd64",
                    [$"/boot/initrd.img-{version}-amd64"],
                    $"root=UUID={debian} ro {(recovery ? "single" : "quiet")}"));
            }
        }

        expected.AddRange(
        [
            E($"osprober-gnulinux-simple-{arch}", "Arch Linux (on /dev/sda3)", $"osprober-gnulinux-simple-{arch}", "/boot/vmlinuz-linux", ["/boot/initramfs-linux.img"], $"root=UUID={arch} rw quiet"),
            E($"{archAdvanced}>{sharedId}", "Arch Linux (on /dev/sda3)", sharedId, "/boot/vmlinuz-linux", ["/boot/initramfs-linux.img"], $"root=UUID={arch} rw quiet"),
            E($"{archAdvanced}>Arch Linux, with Linux linux (on /dev/sda3)", "Arch Linux, with Linux linux (on /dev/sda3)", sharedId, "/boot/vmlinuz-linux", ["/boot/initramfs-linux.img"], $"root=UUID={arch} rw quiet"),
            E($"{archAdvanced}>Arch Linux, with Linux linux (fallback initramfs) (on /dev/sda3)", "Arch Linux, with Linux linux (fallback initramfs) (on /dev/sda3)", sharedId, "/boot/vmlinuz-linux", ["/boot/initramfs-linux-fallback.img"], $"root=UUID={arch} rw quiet"),
            E($"{archAdvanced}>{spacedId}", "Arch Linux, with Linux linux (recovery mode) (on /dev/sda3)", spacedId, "/boot/vmlinuz-linux", ["/boot/initramfs-linux-fallback.img"], $"root=UUID={arch} rw single"),
            E($"gnulinux-simple-{arch}", "Arch Linux", $"gnulinux-simple-{arch}", "/boot/vmlinuz-linux", ["/boot/initramfs-linux.img"], $"root=UUID={arch} ro quiet"),
        ]);

        var menu = MenuFixtures.Parse("debian-10-osprober-arch.grub.cfg");

        AssertEntries(expected, menu.Entries);
        Assert.Equal(5, menu.Items.Count);
        Assert.Equal(["arch", "gnu-linux", "gnu", "os"], menu.Entries[^1].Classes);
        Assert.Equal(355, menu.Entries[^1].Line);
    }

    [Fact]
    public void Parse_CentOs7_FlatLinux16MenuWithNineSharedIdsGetsTitlePathsAfterTheFirst()
    {
        const string sharedId = "gnulinux-3.10.0-229.4.2.el7.x86_64-advanced-979b1fc2-63d2-4202-a216-baabd8a1b347";
        const string common = "root=/dev/mapper/centos-root ro rd.lvm.lv=centos/root rd.lvm.lv=centos/swap rhgb quiet";
        const string debug = " systemd.log_level=debug systemd.log_target=kmsg";
        var expected = new List<MenuEntry>();
        foreach (string version in new[] { "3.10.0-1160.6.1", "3.10.0-1127.18.2", "3.10.0-957.27.2", "3.10.0-957.5.1" })
        {
            foreach (bool debugging in new[] { false, true })
            {
                string title = $"CentOS Linux ({version}.el7.x86_64) 7 (Core){(debugging ? " with debugging" : "")}";
                expected.Add(E(
                    expected.Count == 0 ? sharedId : title,
                    title,
                    sharedId,
                    $"/vmlinuz-{version}.el7.x86_64",
                    [$"/initramfs-{version}.el7.x86_64.img"],
                    $"{common} LANG=en_US.UTF-8{(debugging ? debug : "")}"));
            }
        }

        expected.Add(E("CentOS Linux 7 (Core), with Linux 3.10.0-229.4.2.el7.x86_64", "CentOS Linux 7 (Core), with Linux 3.10.0-229.4.2.el7.x86_64", sharedId, "/vmlinuz-3.10.0-229.4.2.el7.x86_64", ["/initramfs-3.10.0-229.4.2.el7.x86_64.img"], $"{common} LANG=en_US.UTF-8"));
        const string rescueId = "gnulinux-0-rescue-8740d0a554df49f99a568aca62d1a7c6-advanced-979b1fc2-63d2-4202-a216-baabd8a1b347";
        expected.Add(E(rescueId, "CentOS Linux 7 (Core), with Linux 0-rescue-8740d0a554df49f99a568aca62d1a7c6", rescueId, "/vmlinuz-0-rescue-8740d0a554df49f99a568aca62d1a7c6", ["/initramfs-0-rescue-8740d0a554df49f99a568aca62d1a7c6.img"], common));

        var menu = MenuFixtures.Parse("centos-7-lvm.grub.cfg");

        AssertEntries(expected, menu.Entries);
        Assert.Equal(10, menu.Items.Count);
        Assert.All(menu.Entries, e => Assert.Equal(["rhel", "gnu-linux", "gnu", "os"], e.Classes));
    }

    [Fact]
    public void Parse_CentOs7Grubenv_SavedEntryTitleResolvesToFirstEntry()
    {
        var menu = MenuFixtures.Parse("centos-7-lvm.grub.cfg");
        string savedEntry = GrubEnvBlock.Parse(File.ReadAllBytes(MenuFixtures.PathOf("centos-7-lvm.grubenv"))).Get("saved_entry")!;

        Assert.Equal("CentOS Linux (3.10.0-1160.6.1.el7.x86_64) 7 (Core)", savedEntry);
        Assert.Same(menu.Entries[0], menu.Resolve(savedEntry));
    }

    [Fact]
    public void Parse_Manjaro_TwoInitrdsIdsWithSpacesAndConditionalMemtest()
    {
        const string uuid = "1d4f3731-ecc0-44ea-8f79-1116ec447ecb";
        const string args = $"root=UUID={uuid} rw quiet apparmor=1 security=apparmor resume=UUID=086b3f7e-2ca9-40cd-9f80-98a9862fd404 udev.log_priority=3";
        var expected = new List<MenuEntry>
        {
            E($"gnulinux-simple-{uuid}", "Manjaro Linux", $"gnulinux-simple-{uuid}", "/boot/vmlinuz-5.9-x86_64", ["/boot/intel-ucode.img", "/boot/initramfs-5.9-x86_64.img"], args),
        };
        foreach (var (release, image) in new[] { ("5.9.11-3", "5.9"), ("5.8.18-1", "5.8"), ("5.7.19-2", "5.7"), ("4.14.209-1", "4.14") })
        {
            string advancedId = $"gnulinux-{release}-MANJARO x64-advanced-{uuid}";
            string fallbackId = $"gnulinux-{release}-MANJARO x64-fallback-{uuid}";
            expected.Add(E($"gnulinux-advanced-{uuid}>{advancedId}", $"Manjaro Linux (Kernel: {release}-MANJARO x64)", advancedId, $"/boot/vmlinuz-{image}-x86_64", ["/boot/intel-ucode.img", $"/boot/initramfs-{image}-x86_64.img"], args));
            expected.Add(E($"gnulinux-advanced-{uuid}>{fallbackId}", $"Manjaro Linux (Kernel: {release}-MANJARO x64 - fallback initramfs)", fallbackId, $"/boot/vmlinuz-{image}-x86_64", [$"/boot/initramfs-{image}-x86_64-fallback.img"], args));
        }

        expected.Add(E("osprober-efi-0E80-F5E2", "Windows Boot Manager (on /dev/nvme0n1p1)", "osprober-efi-0E80-F5E2", null, [], ""));
        expected.Add(E("uefi-firmware", "UEFI Firmware Settings", "uefi-firmware", null, [], ""));
        expected.Add(E("Memory Tester (memtest86+)", "Memory Tester (memtest86+)", null, "/boot/memtest86+/memtest.bin", [], "", conditional: true));

        var menu = MenuFixtures.Parse("manjaro-2020-12-uefi.grub.cfg");

        AssertEntries(expected, menu.Entries);
        Assert.Equal(4, menu.TopLevelIndexOf(menu.Entries[^1]));
        Assert.Equal(["memtest86", "gnu", "tool"], menu.Entries[^1].Classes);
    }

    [Fact]
    public void Parse_Fedora35Bls_SnippetsNewestFirstAtTheBlscfgLine()
    {
        const string options = "root=UUID=386769a3-cfa5-47c8-8797-d5ec58c9cb6c ro no_timer_check net.ifnames=0 console=tty1 console=ttyS0,115200n8";
        static MenuEntry Bls(string machine, string version, string title) =>
            E($"{machine}-{version}", title, $"{machine}-{version}", $"/boot/vmlinuz-{version}", [$"/boot/initramfs-{version}.img"], options);

        var menu = MenuFixtures.Parse("fedora-35-cloud-bls");

        AssertEntries(
            [
                Bls("fbb2514d30d245e09bacef0b91f01c45", "6.0.12-100.fc35.x86_64", "Fedora Linux (6.0.12-100.fc35.x86_64) 35 (Cloud Edition)"),
                Bls("fbb2514d30d245e09bacef0b91f01c45", "5.14.14-300.fc35.x86_64", "Fedora Linux (5.14.14-300.fc35.x86_64) 35 (Cloud Edition)"),
                Bls("fbb2514d30d245e09bacef0b91f01c45", "5.14.14-200.fc34.x86_64", "Fedora (5.14.14-200.fc34.x86_64) 34 (Cloud Edition)"),
                Bls("c0a4265de6ec4238859db2e7cb8b92d1", "5.11.12-300.fc34.x86_64", "Fedora (5.11.12-300.fc34.x86_64) 34 (Cloud Edition)"),
            ],
            menu.Entries);
        Assert.Equal(["fedora", "fedora", "kernel", "kernel"], menu.Entries.Select(e => string.Join(',', e.Classes)));
        Assert.All(menu.Entries, e => Assert.Equal(139, e.Line));
        Assert.Equal("fbb2514d30d245e09bacef0b91f01c45-6.0.12-100.fc35.x86_64.conf", menu.Entries[0].BlsFileName);
    }

    [Fact]
    public void Parse_CentOsStream8Bls_KernelVersionBeforeRescueVariablesKeptUnexpanded()
    {
        var menu = MenuFixtures.Parse("centos-stream-8-lvm-bls");

        AssertEntries(
            [
                E("dfac0af9ab37411fb113ce430dd79e9e-4.18.0-240.el8.x86_64", "CentOS Stream (4.18.0-240.el8.x86_64) 8", "dfac0af9ab37411fb113ce430dd79e9e-4.18.0-240.el8.x86_64", "/vmlinuz-4.18.0-240.el8.x86_64", ["/initramfs-4.18.0-240.el8.x86_64.img", "$tuned_initrd"], "$kernelopts $tuned_params"),
                E("dfac0af9ab37411fb113ce430dd79e9e-0-rescue", "CentOS Stream (0-rescue-dfac0af9ab37411fb113ce430dd79e9e) 8", "dfac0af9ab37411fb113ce430dd79e9e-0-rescue", "/vmlinuz-0-rescue-dfac0af9ab37411fb113ce430dd79e9e", ["/initramfs-0-rescue-dfac0af9ab37411fb113ce430dd79e9e.img"], "$kernelopts"),
            ],
            menu.Entries);
        Assert.Equal(144, menu.Entries[0].Line);
    }

    [Fact]
    public void Parse_Debian12GrubMkconfigOutput_SimpleEntryAndAdvancedSubmenu()
    {
        const string uuid = "0b3c2f0e-1111-4222-8333-444455556666";
        const string kernel = "/boot/vmlinuz-6.1.0-56-amd64";
        const string initrd = "/boot/initrd.img-6.1.0-56-amd64";

        var menu = MenuFixtures.Parse("generated/debian-12-grub-mkconfig.grub.cfg");

        AssertEntries(
            [
                E($"gnulinux-simple-{uuid}", "Debian GNU/Linux", $"gnulinux-simple-{uuid}", kernel, [initrd], "root=/dev/vda1 ro quiet"),
                E($"gnulinux-advanced-{uuid}>gnulinux-6.1.0-56-amd64-advanced-{uuid}", "Debian GNU/Linux, with Linux 6.1.0-56-amd64", $"gnulinux-6.1.0-56-amd64-advanced-{uuid}", kernel, [initrd], "root=/dev/vda1 ro quiet"),
                E($"gnulinux-advanced-{uuid}>gnulinux-6.1.0-56-amd64-recovery-{uuid}", "Debian GNU/Linux, with Linux 6.1.0-56-amd64 (recovery mode)", $"gnulinux-6.1.0-56-amd64-recovery-{uuid}", kernel, [initrd], "root=/dev/vda1 ro single"),
            ],
            menu.Entries);
        Assert.Equal(["Debian GNU/Linux", "Advanced options for Debian GNU/Linux"], menu.Items.Select(i => i.Title));
    }

    [Theory]
    [MemberData(nameof(MenuFixtures.AllNames), MemberType = typeof(MenuFixtures))]
    public void Resolve_EveryFixtureEntryPath_ReturnsThatVeryEntry(string fixture)
    {
        var menu = MenuFixtures.Parse(fixture);

        Assert.NotEmpty(menu.Entries);
        Assert.All(menu.Entries, entry => Assert.Same(entry, menu.Resolve(entry.Path)));
    }

    [Theory]
    [MemberData(nameof(MenuFixtures.AllNames), MemberType = typeof(MenuFixtures))]
    public void Parse_EveryFixtureWithCrlfLineEnds_SameEntries(string fixture)
    {
        var unix = MenuFixtures.Parse(fixture);
        string name = MenuFixtures.BlsTrees.Contains(fixture) ? Path.Combine(fixture, "grub.cfg") : fixture;
        string dos = MenuFixtures.Text(name).Replace("\n", "\r\n", StringComparison.Ordinal);

        var menu = GrubConfigParser.Parse(dos, _ => MenuFixtures.BlsTrees.Contains(fixture) ? MenuFixtures.Snippets(fixture) : []);

        Assert.Equal(unix.Entries.Select(e => (e.Path, e.Kernel, e.Args, string.Join('|', e.Initrd))), menu.Entries.Select(e => (e.Path, e.Kernel, e.Args, string.Join('|', e.Initrd))));
    }
}
