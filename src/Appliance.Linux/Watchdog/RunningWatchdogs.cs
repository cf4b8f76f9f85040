using Appliance.Linux.Files;
using Appliance.Linux.Kexec;
using Appliance.Linux.Native;

namespace Appliance.Linux.Watchdog;

/// <summary>
/// Pets, once, each watchdog this kernel already runs (sysfs <c>state</c> "active",
/// drivers/watchdog/watchdog_dev.c state_show): the rescue's last step before its soft kexec,
/// as the timer keeps counting through the jump. A stopped one is left alone, because opening
/// /dev/watchdogN starts it (watchdog_open) and known-good might never pet it.
/// </summary>
public sealed class RunningWatchdogs(string root) : IRescueWatchdogs
{
    public IReadOnlyList<string> PetRunning()
    {
        var sysfs = new WatchdogSysfs(root);
        var lines = new List<string>();
        foreach (string name in sysfs.Names())
        {
            if (sysfs.Read(name, "state") != "active")
            {
                continue;
            }

            try
            {
                var device = WatchdogDevice.Open(sysfs.DevicePath(name), name, sysfs);
                try
                {
                    device.Pet();
                }
                finally
                {
                    // Without magic close: it was running, and it stays running for known-good's daemon.
                    device.Release(disarm: false);
                }

                lines.Add($"{name} petted right before the jump");
            }
            catch (FileProblemException e) when (e.Kind == FileProblemKind.Busy)
            {
                lines.Add($"{name} is held open by another process, which pets it until the jump");
            }
            catch (Exception e) when (e is FileProblemException or SystemError)
            {
                lines.Add($"{name} could not be petted ({e.Message})");
            }
        }

        return lines;
    }
}
