using Appliance.Core.Watchdog;

namespace Appliance.Linux.Watchdog;

/// <summary>Something the daemon must keep telling "still alive": a watchdog device, an external chip on a GPIO line, systemd.</summary>
public interface IPetTarget : IDisposable
{
    /// <summary>The device path or a short description, for logs and state.json.</summary>
    string Name { get; }

    /// <summary><c>device</c>, <c>gpio</c> or <c>systemd</c>.</summary>
    string Kind { get; }

    /// <summary>How long without a pet before this target fires; bounds the pet interval.</summary>
    TimeSpan? Deadline { get; }

    /// <summary>The timeout to report; differs from <see cref="Deadline"/> when a pretimeout fires first.</summary>
    TimeSpan? Timeout => Deadline;

    /// <summary>The pretimeout in seconds and how the device offers it; null for targets without one.</summary>
    (int? Seconds, PretimeoutSupport Support)? PretimeoutState => null;

    /// <summary>What the target said about the last reset, read when it was opened; null for targets that cannot tell.</summary>
    DeviceResetCause? ResetCause { get; }

    /// <summary>Keeps the target alive; throws IOException when it cannot.</summary>
    void Pet();

    /// <summary>Applies new settings on reload without closing (closing could disarm or fire it); false when the change needs a restart.</summary>
    bool Reconfigure(WatchdogSettings settings, TextWriter log);

    /// <summary>Closes the target: disarmed only when <paramref name="disarm"/> is set and the target allows it; otherwise it keeps running and fires. Returns what happened, for the log.</summary>
    string Release(bool disarm);
}
