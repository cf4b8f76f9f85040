using Appliance.Core.Boot;
using Appliance.Core.Json;
using Appliance.Linux.Files;

namespace Appliance.Linux.Boot;

/// <summary>
/// The stability window (<c>[Boot] StabilitySec</c>): the validator keeps a healthy trial's
/// required checks running for the window before it commits, so a kernel that passes its first
/// checks and fails minutes later is rolled back instead of becoming known-good. The window's
/// progress is a runtime file (<see cref="StatePaths.Stability"/>) that status shows and the
/// trial deadline honours.
/// </summary>
public sealed partial class TrialService
{
    private string StabilityPath => StatePaths.Under(Root, StatePaths.Stability);

    /// <summary>This boot's stability window while it is open; null when none is (or its record cannot be read, which is reported).</summary>
    public StabilityProgress? OpenStabilityWindow() =>
        ReadRecordOrWarn(StabilityPath, ApplianceJsonContext.Default.StabilityProgress, "a stability window record",
            "remove it; the validator writes it again while it holds a window open") is { } progress && progress.BootId == Kernel.BootId()
            ? progress
            : null;

    /// <summary>
    /// Holds the window open: re-runs the checks every <see cref="StabilityWindow.Interval"/>
    /// until they have passed for the whole window (a passing outcome) or one fails (that failing
    /// outcome, so the caller rejects the trial as at a first validation). A crash or hang in the
    /// meantime leaves the trial uncommitted: GRUB's countdown and the watchdog take it from there.
    /// Returns the outcome and a sentence on how the window ended.
    /// </summary>
    private (HealthOutcome Health, string Ended) HoldStabilityWindow(string trial, string bootId, TimeSpan deadline, List<string> problems)
    {
        var window = Config.Boot.Stability;
        long opened = _time.GetTimestamp();
        var step = StabilityWindow.Open(trial, bootId, window, _time.GetUtcNow());
        WriteStability(step.Progress, problems);
        _log.WriteLine($"appliance: '{trial}' is healthy; it is committed once its required checks keep passing for {window.TotalSeconds} s ([Boot] StabilitySec), checked every {StabilityWindow.Interval(window).TotalSeconds} s");
        var health = HealthOutcome.NotRun;
        while (step.Verdict == StabilityVerdict.Continue)
        {
            Task.Delay(step.Wait, _time).Wait();
            health = RunChecks(deadline);
            step = StabilityWindow.Next(step.Progress, health.Healthy, _time.GetElapsedTime(opened), _time.GetUtcNow());
            WriteStability(step.Progress, problems);
        }

        Secondary(problems, $"removing {StabilityPath}", () => _steps.Delete(StabilityPath));
        return (health, step.Verdict == StabilityVerdict.Stable
            ? $"stable: the required checks passed for the whole {window.TotalSeconds} s stability window, {step.Progress.RoundsPassed} rounds"
            : StabilityWindow.FailedMessage(step.Progress));
    }

    private void WriteStability(StabilityProgress progress, List<string> problems) =>
        Secondary(problems, $"recording the stability window in {StabilityPath}",
            () => WriteRecord(StabilityPath, progress, ApplianceJsonContext.Default.StabilityProgress));
}
