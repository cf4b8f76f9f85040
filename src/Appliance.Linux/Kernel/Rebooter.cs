using System.Diagnostics;
using System.Runtime.InteropServices;
using Appliance.Linux.Native;

namespace Appliance.Linux.Kernel;

/// <summary>Reboots the machine the way its init expects.</summary>
public interface IRebooter
{
    /// <summary>Starts a reboot; returns only if it could not be started.</summary>
    void Reboot(string reason);
}

/// <summary>
/// Under systemd, asks it (<c>systemctl reboot</c>, run directly, no shell) so services stop
/// cleanly and journald flushes; elsewhere (an initramfs, a rescue kernel) syncs and calls
/// reboot(2) directly.
/// </summary>
public sealed class Rebooter(string root, TextWriter log) : IRebooter
{
    public void Reboot(string reason)
    {
        log.WriteLine($"appliance: rebooting: {reason}");
        log.Flush();
        Libc.sync();
        // sd_booted(3): systemd is PID 1 exactly when this directory exists.
        if (Directory.Exists(Path.Combine(root, "run/systemd/system")) && File.Exists("/usr/bin/systemctl"))
        {
            using var systemctl = Process.Start(new ProcessStartInfo("/usr/bin/systemctl") { ArgumentList = { "reboot" }, UseShellExecute = false });
            systemctl?.WaitForExit();
            if (systemctl?.ExitCode == 0)
            {
                return;
            }
        }

        if (Libc.reboot(Libc.RB_AUTOBOOT) != 0)
        {
            throw new SystemError("reboot", "/", Marshal.GetLastPInvokeError());
        }
    }
}
