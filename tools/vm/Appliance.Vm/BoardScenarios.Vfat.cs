using System.Globalization;

namespace Appliance.Vm;

/// <summary>grubenv on an EFI system partition (vfat), as Fedora and RHEL keep it.</summary>
public static partial class BoardScenarios
{
    /// <summary>The grubenv values the guest writes (tools/vm/init.sh, scenario vfat-env), in order.</summary>
    public static readonly string[] VfatAssignments = ["appliance_vfat=one", "vfat_second=two", "appliance_vfat=three"];

    /// <summary>
    /// The guest writes grubenv three times through /boot/grub2/grubenv, a symlink into a vfat
    /// disk the host built with mkfs.vfat; the host then reads the file back with mtools and
    /// parses it with grub-editenv (never through the guest's kernel).
    /// </summary>
    public static async Task<ScenarioResult> VfatGrubEnvAsync(QemuBoard board, Action<string> say)
    {
        var run = new Run(VfatGrubEnv, board, say);
        var efi = Path.Combine(board.RunDir, "efi.img");
        VfatDisk.Create(efi, "EFI/fedora/grubenv");
        board.SecondDisk = efi;
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["next_entry"] = "vfat-env" });
        run.Say("host: mkfs.vfat EFI disk with EFI/fedora/grubenv (grub-editenv create); staged next_entry=vfat-env");

        board.Start();
        await WaitBootAsync(board, "vfat-env").ConfigureAwait(false);
        var rcs = new List<string>();
        foreach (var assignment in VfatAssignments)
        {
            var line = await board.WaitForAsync($"APPLIANCE-MARKER: vfat env set {assignment} rc=").ConfigureAwait(false);
            rcs.Add(Markers.ValueAfter(line, "rc="));
        }

        var files = await board.WaitForAsync("APPLIANCE-MARKER: vfat files ").ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        run.Observed["guest_rcs"] = string.Join(',', rcs);
        run.Observed["guest_files"] = Markers.RestAfter(files, "APPLIANCE-MARKER: vfat files ").Trim();
        run.Say($"guest: appliance env set exited {run.Observed["guest_rcs"]}; EFI/fedora holds: {run.Observed["guest_files"]}");
        run.Expect(rcs.All(rc => rc == "0"), $"every `appliance env set` on vfat should exit 0, got {run.Observed["guest_rcs"]}");

        var bytes = VfatDisk.Read(efi, "EFI/fedora/grubenv");
        var listed = ToolRunner.RunChecked("grub-editenv", bytes.Path, "list");
        File.Delete(bytes.Path);
        run.Observed["size"] = bytes.Length.ToString(CultureInfo.InvariantCulture);
        run.Observed["grub_editenv"] = string.Join(' ', listed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        run.Observed["host_files"] = string.Join(' ', VfatDisk.List(efi, "EFI/fedora"));
        run.Say($"host (mtools): {bytes.Length} bytes; grub-editenv list: {run.Observed["grub_editenv"]}; files: {run.Observed["host_files"]}");
        run.Expect(bytes.Length == 1024, $"grubenv should be exactly 1024 bytes, is {bytes.Length}");
        run.Expect(run.Observed["host_files"] == "grubenv", $"EFI/fedora should hold only grubenv (no temporary or second name), holds: {run.Observed["host_files"]}");
        return run.Finish();
    }
}

/// <summary>A FAT32 disk image built and read on the host with dosfstools and mtools: no root, no loop device.</summary>
public static class VfatDisk
{
    /// <summary>
    /// Laid out like a real EFI system partition: FAT32 with 4 KiB clusters (8 sectors), so grubenv
    /// is one cluster, as on Fedora's 600 MiB ESP. FAT32 needs at least 65525 clusters, so 300 MiB;
    /// the image file stays sparse (under 1 MiB on the host).
    /// </summary>
    private const long Size = 300L * 1024 * 1024;

    /// <summary>Creates the image with an empty GRUB environment block (grub-editenv create) at <paramref name="envPath"/>.</summary>
    public static void Create(string image, string envPath)
    {
        using (var f = File.Create(image))
        {
            f.SetLength(Size);
        }

        ToolRunner.RunChecked("mkfs.vfat", "-F", "32", "-s", "8", "-n", "EFI", image);
        var block = image + ".grubenv";
        ToolRunner.RunChecked("grub-editenv", block, "create");
        var dirs = new List<string>();
        var parts = envPath.Split('/');
        for (var i = 1; i < parts.Length; i++)
        {
            dirs.Add("::" + string.Join('/', parts[..i]));
        }

        ToolRunner.RunChecked("mmd", ["-i", image, .. dirs]);
        ToolRunner.RunChecked("mcopy", "-i", image, block, "::" + envPath);
        File.Delete(block);
    }

    /// <summary>Copies <paramref name="path"/> out of the image into a host file (the caller deletes it).</summary>
    public static (string Path, long Length) Read(string image, string path)
    {
        var copy = image + ".out";
        ToolRunner.RunChecked("mcopy", "-n", "-i", image, "::" + path, copy);
        return (copy, new FileInfo(copy).Length);
    }

    /// <summary>Every name in <paramref name="directory"/>, hidden ones included (mdir -a -b).</summary>
    public static IReadOnlyList<string> List(string image, string directory) =>
        [.. ToolRunner.RunChecked("mdir", "-i", image, "-a", "-b", "::" + directory)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n[(n.LastIndexOf('/') + 1)..])
            .Order(StringComparer.Ordinal)];
}
