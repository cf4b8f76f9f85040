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
        RunningSystem.Require(root, "a reboot restarts the running machine");
        log.WriteLine($"appliance: rebooting: {reason}");
        log.Flush();
        Libc.sync();
        if (Systemd.IsPid1(root) && Systemd.Request(root, "reboot"))
        {
            return;
        }

        if (Libc.reboot(Libc.RB_AUTOBOOT) != 0)
        {
            throw new SystemError("reboot", "/", Marshal.GetLastPInvokeError());
        }
    }
}
