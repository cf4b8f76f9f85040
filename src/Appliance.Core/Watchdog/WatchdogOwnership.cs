using System.Globalization;
using Appliance.Core.Collections;

namespace Appliance.Core.Watchdog;

/// <summary>
/// Who pets the hardware watchdog: Appliance, or systemd (PID 1) because
/// <c>RuntimeWatchdogSec=</c> is set or PID 1 has a <c>/dev/watchdogN</c> open. A watchdog
/// device has one opener at a time (drivers/watchdog/watchdog_dev.c, watchdog_open:
/// test_and_set_bit(_WDOG_DEV_OPEN) fails with EBUSY), so when systemd holds it the daemon
/// must not fight for it: it gates systemd's service watchdog (WatchdogSec=) instead.
/// </summary>
/// <param name="SystemdOwns">systemd holds (or will hold) the hardware watchdog.</param>
/// <param name="Reason">Why we think so, as evidence in one clause; null when Appliance owns it.</param>
/// <param name="HeldDevices">The watchdog nodes PID 1 has open, or will open (its WatchdogDevice=, when RuntimeWatchdogSec= is set), as /dev/watchdogN.</param>
public sealed record WatchdogOwnership(bool SystemdOwns, string? Reason, IReadOnlyList<string> HeldDevices)
{
    public static readonly WatchdogOwnership Appliance = new(false, null, []);

    /// <summary>
    /// Decides from systemd's configuration and the targets of PID 1's open file descriptors
    /// (<c>/proc/1/fd</c> links; empty when they cannot be read). The configuration counts only
    /// when systemd is PID 1 (sd_booted(3): /run/systemd/system exists); an open device counts always.
    /// </summary>
    public static WatchdogOwnership Decide(SystemdRuntimeWatchdog config, bool systemdIsPid1, IEnumerable<string> pid1FdTargets)
    {
        var held = new List<string>();
        foreach (string target in pid1FdTargets)
        {
            if (Canonical(target) is { } device && !held.Contains(device))
            {
                held.Add(device);
            }
        }

        bool configured = systemdIsPid1 && config.Enabled;
        if (!configured && held.Count == 0)
        {
            return Appliance;
        }

        var evidence = new List<string>();
        if (configured)
        {
            evidence.Add(config.Describe());
        }

        if (held.Count > 0)
        {
            evidence.Add($"PID 1 has {string.Join(" and ", held)} open");
        }

        // A device systemd is configured to take but has not opened yet (its driver loaded after
        // PID 1 started; systemd opens it on a later ping) is left to it too: opening it first
        // would take it from systemd.
        if (configured && Canonical(config.Device) is { } claimed && !held.Contains(claimed))
        {
            held.Add(claimed);
        }

        return new WatchdogOwnership(true, string.Join("; ", evidence), held);
    }

    /// <summary>
    /// True when <paramref name="devicePath"/> is a device PID 1 holds. /dev/watchdog is the
    /// legacy name of the first watchdog (watchdog_dev.c registers the misc device for id 0 only),
    /// so it and /dev/watchdog0 are one device.
    /// </summary>
    public bool Holds(string devicePath) => Canonical(devicePath) is { } d && HeldDevices.Exists(h => h == d);

    /// <summary>The sentence the daemon says at start when systemd owns the hardware watchdog.</summary>
    /// <param name="serviceWatchdog">WATCHDOG_USEC as systemd gave it (WatchdogSec=), or null when the daemon was started without one.</param>
    public string StartSentence(TimeSpan? serviceWatchdog) => serviceWatchdog is { } sd
        ? $"systemd holds the hardware watchdog ({Reason}), so Appliance leaves the device to it and gates systemd's service watchdog instead: " +
          $"WATCHDOG=1 goes out only while the checks pass, and when they fail past Grace= the unit's WatchdogSec= ({Seconds(sd)} s) fires and its FailureAction= reboots the machine"
        : $"systemd holds the hardware watchdog ({Reason}), and this daemon was started without systemd's WatchdogSec=, so it pets only its other targets: nothing resets the machine when the checks fail. " +
          "Run it as appliance-watchdog.service (WatchdogSec=) with the drop-in for this arrangement (man appliance, \"systemd owns the watchdog\"), or set RuntimeWatchdogSec=off";

    /// <summary>The problem when systemd holds the hardware watchdog and the daemon has nothing at all to pet.</summary>
    public string NothingToGate() =>
        $"held by systemd ({Reason}), and the daemon was started without systemd's WatchdogSec=, so there is nothing to gate: " +
        "run it as appliance-watchdog.service (WatchdogSec=) with the drop-in for this arrangement (man appliance, \"systemd owns the watchdog\"), or set RuntimeWatchdogSec=off so Appliance pets the device";

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>"/dev/watchdogN" for a watchdog node (the legacy "/dev/watchdog" as watchdog0), else null.</summary>
    private static string? Canonical(string path)
    {
        string p = path.EndsWith(" (deleted)", StringComparison.Ordinal) ? path[..^10] : path;
        if (p == "/dev/watchdog")
        {
            return "/dev/watchdog0";
        }

        const string prefix = "/dev/watchdog";
        return p.StartsWith(prefix, StringComparison.Ordinal) && p.Length > prefix.Length && p[prefix.Length..].TrueForAll(char.IsAsciiDigit) ? p : null;
    }
}
