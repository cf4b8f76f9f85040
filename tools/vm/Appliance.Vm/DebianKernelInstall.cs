using System.Diagnostics;

namespace Appliance.Vm;

/// <summary>
/// The by-hand measurement run of the Debian 12 board (<c>Appliance.Vm debian-kernel-install</c>):
/// boots a fresh overlay, installs our .deb, installs a second kernel IN THE GUEST with
/// <c>apt install /root/kernels/…deb</c> (its postinst runs update-initramfs and update-grub as on
/// a real machine), splits that time into its parts, compares the initrd the board's settings
/// make with the one stock settings (MODULES=most, gzip) make, and reboots into the new kernel.
/// The generated grub.cfg after each step is saved under artifacts/vm/debian-captured/.
/// </summary>
public static class DebianKernelInstall
{
    public static async Task RunAsync(string package, Action<string> say, Action<SerialLine>? onLine)
    {
        var layout = RepoLayout.Discover(DebianBoard.BoardName);
        var captured = Path.Combine(layout.Root, "artifacts", "vm", "debian-captured");
        Directory.CreateDirectory(captured);
        await using var board = DebianBoard.Create("debian-kernel-install", layout, onLine);
        board.Start();
        var up = await board.WaitForUpAsync();
        say($"up: {up.KernelRelease} at {up.Line.Elapsed.TotalSeconds:F1} s (boot {up.Line.Boot})");
        await board.CopyFromGuestAsync("/boot/grub/grub.cfg", Path.Combine(captured, "grub.cfg.stock"));

        var deb = await board.InstallApplianceAsync();
        say($"dpkg -i appliance: {deb.Duration.TotalSeconds:F1} s");
        await board.CopyFromGuestAsync("/boot/grub/grub.cfg", Path.Combine(captured, "grub.cfg.after-deb"));

        var release = package.Replace("linux-image-", string.Empty, StringComparison.Ordinal);
        var apt = await board.RunCheckedAsync(
            $"set -o pipefail; DEBIAN_FRONTEND=noninteractive apt-get install -y /root/kernels/{package}_*.deb 2>&1 | while IFS= read -r l; do echo \"$(date +%s.%N | cut -c1-14) $l\"; done",
            TimeSpan.FromMinutes(20));
        say($"apt install {package} in the guest: {apt.Duration.TotalSeconds:F1} s");
        say(apt.StdOut);
        await board.CopyFromGuestAsync("/boot/grub/grub.cfg", Path.Combine(captured, $"grub.cfg.after-{release}"));

        // The parts, each again on its own (the same work the kernel's postinst did).
        foreach (var (what, cmd) in new[]
        {
            ("depmod", $"depmod -a {release}"),
            ("update-initramfs (board: MODULES=dep, zstd)", $"update-initramfs -u -k {release}"),
            ("mkinitramfs stock (MODULES=most, gzip)",
                "rm -rf /tmp/stock && cp -a /etc/initramfs-tools /tmp/stock && "
                + "sed -i -e 's/^MODULES=.*/MODULES=most/' -e 's/^COMPRESS=.*/COMPRESS=gzip/' /tmp/stock/initramfs.conf && "
                + $"mkinitramfs -d /tmp/stock -o /tmp/initrd-stock {release}"),
            ("update-grub", "update-grub"),
        })
        {
            var r = await board.RunCheckedAsync(cmd, TimeSpan.FromMinutes(20));
            say($"  {what}: {r.Duration.TotalSeconds:F1} s");
        }

        var sizes = await board.RunCheckedAsync($"ls -l /boot/initrd.img-{release} /tmp/initrd-stock; lsinitramfs /boot/initrd.img-{release} | grep -c '\\.ko'; lsinitramfs /tmp/initrd-stock | grep -c '\\.ko'");
        say("initrd sizes (board, stock) and module counts:\n" + sizes.StdOut);

        var entries = await board.RunAsync("appliance entries");
        say("appliance entries:\n" + entries.StdOut + entries.StdErr);

        var clock = Stopwatch.StartNew();
        var next = await board.RebootAsync();
        say($"reboot: up on {next.KernelRelease} after {clock.Elapsed.TotalSeconds:F1} s (boot {next.Line.Boot})");
        var status = await board.RunAsync("appliance status");
        say($"appliance status (exit {status.ExitCode}):\n{status.StdOut}{status.StdErr}");
        await board.PowerOffAsync();
    }
}
