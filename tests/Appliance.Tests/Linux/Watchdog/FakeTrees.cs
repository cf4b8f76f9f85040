using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Watchdog;

/// <summary>Fake /sys, /proc and /dev trees for --root.</summary>
internal static class FakeTrees
{
    public const string BootId = "3e6b1c1a-1111-2222-3333-444455556666";

    /// <summary>A sysfs watchdog entry as watchdog_dev.c shows it, and a regular file standing in for its node (writes land in it; ioctls fail with ENOTTY).</summary>
    public static void AddWatchdog(TempDir root, int index, string identity, uint bootstatus = 0, bool nowayout = false, uint? options = null)
    {
        string dir = $"sys/class/watchdog/watchdog{index}/";
        root.Write(dir + "identity", identity + "\n");
        root.Write(dir + "bootstatus", $"{bootstatus}\n");
        root.Write(dir + "nowayout", nowayout ? "1\n" : "0\n");
        root.Write(dir + "state", "inactive\n");
        root.Write(dir + "timeout", "30\n");
        if (options is { } o)
        {
            root.Write(dir + "options", $"0x{o:x}\n");
        }

        root.Write($"dev/watchdog{index}", "");
    }

    /// <summary>The pretimeout files wdt_is_visible shows when watchdog_have_pretimeout holds (drivers/watchdog/watchdog_dev.c).</summary>
    public static void AddPretimeout(TempDir root, int index, string availableGovernors, string governor = "noop")
    {
        string dir = $"sys/class/watchdog/watchdog{index}/";
        root.Write(dir + "pretimeout", "0\n");
        root.Write(dir + "pretimeout_governor", governor + "\n");
        root.Write(dir + "pretimeout_available_governors", availableGovernors + "\n");
    }

    public static void AddBootId(TempDir root) => root.Write("proc/sys/kernel/random/boot_id", BootId + "\n");

    /// <summary>systemd as PID 1 (sd_booted's /run/systemd/system) with Debian's commented-out system.conf.</summary>
    public static void AddSystemd(TempDir root)
    {
        root.Subdirectory("run/systemd/system");
        root.Write("etc/systemd/system.conf", "[Manager]\n#RuntimeWatchdogSec=off\n#RebootWatchdogSec=10min\n");
    }

    /// <summary>An open file of PID 1: /proc/1/fd/N, a link to <paramref name="target"/>.</summary>
    public static void AddPid1Fd(TempDir root, int fd, string target)
    {
        root.Subdirectory("proc/1/fd");
        File.CreateSymbolicLink(root.File($"proc/1/fd/{fd}"), target);
    }
}
