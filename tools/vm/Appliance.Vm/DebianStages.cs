using System.Security.Cryptography;

namespace Appliance.Vm;

/// <summary>
/// Starting points the Debian 12 scenarios share, each made once by booting the board and
/// doing what an operator does, then kept as a qcow2 overlay that later boards start from:
/// <list type="bullet">
/// <item><see cref="TwoKernelsAsync"/>: the cached image with <see cref="NewKernel"/> installed by
/// <c>apt install</c> in the guest while <see cref="OldKernel"/> runs (its postinst runs
/// update-initramfs and update-grub) and GRUB's saved default set to <see cref="OldKernel"/>'s
/// entry with <c>grub-set-default</c>: a machine whose operator installed a kernel without
/// booting it. Kept beside the cached image (same key), so made once per machine.</item>
/// <item><see cref="PreparedAsync"/>: that machine with this build's .deb installed by
/// <c>dpkg -i</c>; made once per test run (per .deb).</item>
/// <item><see cref="PreparedUefiAsync"/>: the same machine on the UEFI + Secure Boot board. Its
/// image already has both kernels (installed at build time) and <see cref="OldKernel"/> as the
/// saved default (set by its first boot), so only the .deb is installed here.</item>
/// </list>
/// </summary>
public static class DebianStages
{
    public const string OldKernel = "6.1.0-53-amd64";
    public const string NewKernel = "6.1.0-55-amd64";
    public const string ThirdKernel = "6.1.0-57-amd64";

    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>The shell line that installs the kernel package <paramref name="release"/> from /root/kernels with apt, as an operator would.</summary>
    public static string AptInstallKernel(string release) =>
        $"DEBIAN_FRONTEND=noninteractive apt-get install -y /root/kernels/linux-image-{release}_*.deb";

    public static async Task<string> TwoKernelsAsync(Action<string> log)
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return await TwoKernelsLockedAsync(log).ConfigureAwait(false);
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task<string> PreparedAsync(Action<string> log)
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var layout = RepoLayout.Discover(DebianBoard.BoardName);
            var deb = DebianBoard.FindDeb(layout);
            var key = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(deb).ConfigureAwait(false)))[..16];
            var path = Path.Combine(layout.RunsDir, $"debian-prepared-{key}.qcow2");
            if (File.Exists(path))
            {
                return path;
            }

            var twoKernels = await TwoKernelsLockedAsync(log).ConfigureAwait(false);
            Directory.CreateDirectory(layout.RunsDir);
            await using var board = DebianBoard.Create("debian-stage-prepared", layout, l => log("[prepare] " + l), twoKernels);
            board.Start();
            var up = await board.WaitForUpAsync().ConfigureAwait(false);
            Expect(board, up.KernelRelease == OldKernel, $"the two-kernel machine should boot {OldKernel} (grub-set-default), not {up.KernelRelease}");
            var dpkg = await board.InstallApplianceAsync().ConfigureAwait(false);
            log($"[prepare] dpkg -i of the .deb: {dpkg.Duration.TotalSeconds:F1} s");
            // The menu update-grub wrote with Appliance's block and two kernels, kept beside the
            // disk: what the unit tests' stock Debian fixture was taken from.
            await board.CopyFromGuestAsync("/boot/grub/grub.cfg", Path.ChangeExtension(path, ".grub.cfg")).ConfigureAwait(false);
            await board.PowerOffAsync().ConfigureAwait(false);
            board.SaveDisk(path);
            return path;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task<string> PreparedUefiAsync(Action<string> log)
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var layout = RepoLayout.Discover(DebianBoard.UefiBoardName);
            var deb = DebianBoard.FindDeb(layout);
            var key = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(deb).ConfigureAwait(false)))[..16];
            await using var board = DebianBoard.Create("debian-uefi-stage-prepared", layout, l => log("[prepare] " + l), boardName: DebianBoard.UefiBoardName);
            // Keyed by the image too: the overlay's backing file is that image.
            var image = Path.GetFileName(board.ImageDir);
            var path = Path.Combine(layout.RunsDir, $"debian-uefi-prepared-{image}-{key}.qcow2");
            if (File.Exists(path))
            {
                return path;
            }

            board.Start();
            var up = await board.WaitForUpAsync().ConfigureAwait(false);
            Expect(board, up.KernelRelease == OldKernel, $"the UEFI image should boot {OldKernel} (its first boot's grub-set-default), not {up.KernelRelease}");
            var dpkg = await board.InstallApplianceAsync().ConfigureAwait(false);
            log($"[prepare] dpkg -i of the .deb: {dpkg.Duration.TotalSeconds:F1} s");
            await board.PowerOffAsync().ConfigureAwait(false);
            board.SaveDisk(path);
            return path;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<string> TwoKernelsLockedAsync(Action<string> log)
    {
        await using var board = DebianBoard.Create("debian-stage-two-kernels", onLine: l => log("[two-kernels] " + l));
        var path = Path.Combine(board.ImageDir, "two-kernels.qcow2");
        if (File.Exists(path))
        {
            return path;
        }

        board.Start();
        await board.WaitForUpAsync().ConfigureAwait(false);
        var apt = await board.RunCheckedAsync(AptInstallKernel(NewKernel), TimeSpan.FromMinutes(20)).ConfigureAwait(false);
        log($"[two-kernels] apt install of {NewKernel} in the guest: {apt.Duration.TotalSeconds:F1} s");
        // The operator keeps running the old kernel until the new one is tried: GRUB_DEFAULT=saved
        // and grub-set-default with the version-specific entry, as grub-set-default(8) documents.
        await board.RunCheckedAsync(
            "sub=$(grep -o \"gnulinux-advanced-[0-9a-f-]*\" /boot/grub/grub.cfg | head -n 1); "
            + $"old=$(grep -o \"gnulinux-{OldKernel}-advanced-[0-9a-f-]*\" /boot/grub/grub.cfg | head -n 1); "
            + "grub-set-default \"$sub>$old\"").ConfigureAwait(false);
        await board.PowerOffAsync().ConfigureAwait(false);
        board.SaveDisk(path);
        return path;
    }

    private static void Expect(DebianBoard board, bool condition, string message)
    {
        if (!condition)
        {
            throw board.Fail(message);
        }
    }
}
