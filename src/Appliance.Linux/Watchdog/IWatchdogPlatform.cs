using Appliance.Core.Watchdog;

namespace Appliance.Linux.Watchdog;

/// <summary>What the daemon needs from the machine, behind one seam so its loop runs in tests against fake devices.</summary>
public interface IWatchdogPlatform
{
    /// <summary>
    /// Opens the targets the settings call for, keeping (and reconfiguring) those in
    /// <paramref name="current"/> that are still wanted. Never closes a target that cannot be
    /// disarmed: dropping it from the config must not reset the machine.
    /// </summary>
    IReadOnlyList<IPetTarget> ReconcileTargets(WatchdogSettings settings, IReadOnlyList<IPetTarget> current, TextWriter log);

    IReadOnlyList<Health.IHealthCheck> CreateChecks(WatchdogSettings settings);

    /// <summary>What a check run gets: the root, the clock, <c>CheckTimeout=</c>, a process runner capped at <c>OutputLimitBytes=</c>.</summary>
    Health.HealthCheckContext CheckContext(WatchdogSettings settings, CancellationToken cancel);

    /// <summary>
    /// Whether systemd (PID 1) holds the hardware watchdog (<c>RuntimeWatchdogSec=</c>, or a
    /// <c>/dev/watchdogN</c> among PID 1's files), read once. When it does,
    /// <see cref="ReconcileTargets"/> leaves the devices it holds alone instead of failing with EBUSY.
    /// </summary>
    WatchdogOwnership HardwareOwnership();

    /// <summary>The board profile in use, by name; null without one.</summary>
    string? BoardName { get; }

    /// <summary>Shows a state on the status LED, if there is one.</summary>
    void ShowStatus(StatusLedState state);

    /// <summary>Whether this is a trial boot (grubenv <c>appliance_trial</c> set).</summary>
    bool TrialBoot();

    /// <summary>Process-wide tuning: mlockall, oom_score_adj. Failures are logged, not fatal.</summary>
    void TuneProcess(WatchdogSettings settings, TextWriter log);

    /// <summary>
    /// Called once the daemon has settled (every check has reported and a pet went out): hands
    /// back the memory only start-up used, so what stays resident (and locked) is what the loop
    /// touches. Best effort; failures are logged, not fatal.
    /// </summary>
    void ReleaseStartupMemory(WatchdogSettings settings, TextWriter log);

    /// <summary>SCHED_FIFO for the calling thread (the pet thread), or back to SCHED_OTHER for null.</summary>
    void SetThreadPriority(int? priority, TextWriter log);

    /// <summary>The escape-hatch self-test's findings on this machine (report only); none when it cannot be run (the reason is the self-test's own business: 'appliance check' says it).</summary>
    IReadOnlyList<Appliance.Core.Health.EscapeHatchFinding> EscapeHatch();

    /// <summary>sync(2): the stop record must be on disk before the reset it announces.</summary>
    void Sync();
}
