using System.Text.Json;
using Appliance.Cli;
using Appliance.Tests.Core.Menu;
using Appliance.Tests.Support;

namespace Appliance.Tests.Cli;

/// <summary><c>appliance entries</c>: plain and JSON listings, <c>--root</c> and <c>--config</c>, errors and exit codes.</summary>
public sealed class EntriesCommandTests
{
    private static string InstallManjaro(TempDir root) =>
        root.Write("boot/grub/grub.cfg", MenuFixtures.Text("manjaro-2020-12-uefi.grub.cfg"));

    [Fact]
    public void Entries_Plain_OneLinePerEntryWithPathTabTitle()
    {
        using var root = new TempDir();
        root.Write("boot/grub/grub.cfg", MenuFixtures.Text("ubuntu-22.04-uefi-desktop.grub.cfg"));

        CliResult result = InProcessCli.Run("--root", root.Path, "entries");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Equal(
            "gnulinux-simple-d5e58d4a-618d-4557-a098-819b96959bee\tUbuntu\n" +
            "gnulinux-advanced-d5e58d4a-618d-4557-a098-819b96959bee>gnulinux-5.15.0-25-generic-advanced-d5e58d4a-618d-4557-a098-819b96959bee\tUbuntu, with Linux 5.15.0-25-generic\n" +
            "gnulinux-advanced-d5e58d4a-618d-4557-a098-819b96959bee>gnulinux-5.15.0-25-generic-recovery-d5e58d4a-618d-4557-a098-819b96959bee\tUbuntu, with Linux 5.15.0-25-generic (recovery mode)\n" +
            "uefi-firmware\tUEFI Firmware Settings\n",
            result.Stdout);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public void Entries_Json_ExactlyTheSevenFieldsInOrderWithNullsWritten()
    {
        using var root = new TempDir();
        InstallManjaro(root);

        CliResult result = InProcessCli.Run("--root", root.Path, "entries", "--json");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.EndsWith("}\n", result.Stdout);
        using var document = JsonDocument.Parse(result.Stdout);
        var top = document.RootElement;
        Assert.Equal(["entries"], top.EnumerateObject().Select(p => p.Name));
        var entries = top.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(12, entries.Count);
        Assert.All(entries, e => Assert.Equal(["path", "title", "id", "kernel", "initrd", "args", "conditional"], e.EnumerateObject().Select(p => p.Name)));

        Assert.Equal(
            """{"path":"gnulinux-simple-1d4f3731-ecc0-44ea-8f79-1116ec447ecb","title":"Manjaro Linux","id":"gnulinux-simple-1d4f3731-ecc0-44ea-8f79-1116ec447ecb","kernel":"/boot/vmlinuz-5.9-x86_64","initrd":["/boot/intel-ucode.img","/boot/initramfs-5.9-x86_64.img"],"args":"root=UUID=1d4f3731-ecc0-44ea-8f79-1116ec447ecb rw quiet apparmor=1 security=apparmor resume=UUID=086b3f7e-2ca9-40cd-9f80-98a9862fd404 udev.log_priority=3","conditional":false}""",
            entries[0].GetRawText());
        Assert.Equal(
            """{"path":"uefi-firmware","title":"UEFI Firmware Settings","id":"uefi-firmware","kernel":null,"initrd":[],"args":"","conditional":false}""",
            entries[10].GetRawText());
        Assert.Equal(
            """{"path":"Memory Tester (memtest86+)","title":"Memory Tester (memtest86+)","id":null,"kernel":"/boot/memtest86+/memtest.bin","initrd":[],"args":"","conditional":true}""",
            entries[11].GetRawText());
    }

    [Fact]
    public void Entries_JsonOnBlsTree_CarriesTheSnippets()
    {
        using var root = new TempDir();
        root.Write("boot/grub2/grub.cfg", MenuFixtures.Text("centos-stream-8-lvm-bls/grub.cfg"));
        foreach (var snippet in MenuFixtures.Snippets("centos-stream-8-lvm-bls"))
        {
            root.Write($"boot/loader/entries/{snippet.Name}", snippet.Text);
        }

        CliResult result = InProcessCli.Run("--root", root.Path, "entries", "--json");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        using var document = JsonDocument.Parse(result.Stdout);
        var first = document.RootElement.GetProperty("entries")[0];
        Assert.Equal("dfac0af9ab37411fb113ce430dd79e9e-4.18.0-240.el8.x86_64", first.GetProperty("id").GetString());
        Assert.Equal("$kernelopts $tuned_params", first.GetProperty("args").GetString());
        Assert.Equal(["/initramfs-4.18.0-240.el8.x86_64.img", "$tuned_initrd"], first.GetProperty("initrd").EnumerateArray().Select(i => i.GetString()));
    }

    [Fact]
    public void Entries_BlsSnippetWithoutLinux_ListedWithoutItAndWarnedNamingTheFile()
    {
        using var root = new TempDir();
        root.Write("boot/grub2/grub.cfg", MenuFixtures.Text("centos-stream-8-lvm-bls/grub.cfg"));
        foreach (var snippet in MenuFixtures.Snippets("centos-stream-8-lvm-bls"))
        {
            root.Write($"boot/loader/entries/{snippet.Name}", snippet.Text);
        }

        root.Write("boot/loader/entries/custom-rescue.conf", "title Custom rescue\noptions root=/dev/vda1\n");

        CliResult result = InProcessCli.Run("--root", root.Path, "entries");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.DoesNotContain("Custom rescue", result.Stdout);
        Assert.Contains("warning: BLS snippet /loader/entries/custom-rescue.conf has no 'linux' line", result.Stderr);
    }

    [Fact]
    public void Entries_ConfigOption_OverridesTheRootsConfig()
    {
        using var root = new TempDir();
        InstallManjaro(root);
        string other = root.Write("other.cfg", "menuentry 'Only' --id only { linux /k; }\n");

        CliResult result = InProcessCli.Run("--root", root.Path, "entries", "--config", other);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Equal("only\tOnly\n", result.Stdout);
    }

    [Fact]
    public void Entries_EmptyMenu_PrintsNothingAndJsonEmptyList()
    {
        using var root = new TempDir();
        root.Write("boot/grub/grub.cfg", "set timeout=5\n");

        Assert.Equal(string.Empty, InProcessCli.Run("--root", root.Path, "entries").Stdout);
        Assert.Equal("{\"entries\":[]}\n", InProcessCli.Run("--root", root.Path, "entries", "--json").Stdout);
    }

    [Fact]
    public void Entries_MissingConfig_NoInputNamingThePath()
    {
        using var root = new TempDir();

        CliResult result = InProcessCli.Run("--root", root.Path, "entries");

        Assert.Equal(ExitCodes.NoInput, result.ExitCode);
        Assert.Equal($"appliance: {root.File("boot/grub/grub.cfg")}: no such file, nor {root.File("boot/grub2/grub.cfg")}; run grub-mkconfig or pass --config FILE\n", result.Stderr);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void Entries_ConfigGrubCannotParse_DataErrorWithLine()
    {
        using var root = new TempDir();
        string cfg = root.Write("grub.cfg", "menuentry 'a' {\n  linux /k\n");

        CliResult result = InProcessCli.Run("entries", "--config", cfg);

        Assert.Equal(ExitCodes.DataError, result.ExitCode);
        Assert.StartsWith($"appliance: {cfg}: line 1: end of file inside the block of 'menuentry' (opened on line 1): missing '}}'", result.Stderr);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void Entries_ConfigWithNulByte_DataErrorNamingFileLineAndByteOffset()
    {
        using var root = new TempDir();
        string cfg = root.File("grub.cfg");
        File.WriteAllBytes(cfg, [.. "set default=0\nmenuentry 'a\0' {\n  linux /k\n}\n"u8]);

        CliResult result = InProcessCli.Run("entries", "--config", cfg);

        Assert.Equal(ExitCodes.DataError, result.ExitCode);
        Assert.StartsWith($"appliance: {cfg}: line 2, byte 26: grub.cfg contains a NUL byte", result.Stderr);
        Assert.Contains("update-grub", result.Stderr);
        Assert.DoesNotContain("quote", result.Stderr);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void Entries_ConfigIsDirectory_NoInput()
    {
        using var root = new TempDir();

        CliResult result = InProcessCli.Run("entries", "--config", root.Path);

        Assert.Equal(ExitCodes.NoInput, result.ExitCode);
        Assert.Contains("is not a regular file", result.Stderr);
    }

    [Fact]
    public void Entries_AotBinary_JsonMatchesInProcessOutput()
    {
        using var root = new TempDir();
        root.Write("boot/grub/grub.cfg", MenuFixtures.Text("debian-10-osprober-arch.grub.cfg"));

        ProcessResult binary = ApplianceBinary.Run("--root", root.Path, "entries", "--json");

        Assert.True(binary.ExitCode == 0, binary.ToString());
        Assert.Equal(InProcessCli.Run("--root", root.Path, "entries", "--json").Stdout, binary.StdoutText);
        Assert.Contains("\"path\":\"gnulinux-advanced-e25f9f95-8531-4ef9-aed3-ef348d12e691>gnulinux-4.19.0-4-amd64-advanced-e25f9f95-8531-4ef9-aed3-ef348d12e691\"", binary.StdoutText);
    }
}
