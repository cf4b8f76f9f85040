using System.Text.Json.Serialization;

namespace Appliance.Core.Boot;

/// <summary>
/// A trial's stability window (<c>[Boot] StabilitySec</c>) as it runs: the validator found the
/// trial healthy, and commits it only once its required checks have kept passing for the whole
/// window. Kept in a runtime file, so <c>status</c> shows the progress and the trial deadline
/// knows the validator is in charge of this boot.
/// </summary>
public sealed record StabilityProgress
{
    [JsonPropertyName("trial")]
    public required string Trial { get; init; }

    [JsonPropertyName("boot_id")]
    public required string BootId { get; init; }

    [JsonPropertyName("window_sec")]
    public required double WindowSec { get; init; }

    /// <summary>When the checks first passed on this boot: the window starts there.</summary>
    [JsonPropertyName("started")]
    public required DateTimeOffset Started { get; init; }

    /// <summary>Seconds of the window behind it at the last check round.</summary>
    [JsonPropertyName("elapsed_sec")]
    public double ElapsedSec { get; init; }

    /// <summary>Check rounds that passed, the first one included.</summary>
    [JsonPropertyName("rounds_passed")]
    public int RoundsPassed { get; init; } = 1;

    [JsonPropertyName("last_check")]
    public DateTimeOffset LastCheck { get; init; }

    /// <summary>One line for <c>status</c>.</summary>
    public string Describe() =>
        $"stability window for '{Trial}': {Math.Floor(ElapsedSec)} of {WindowSec} s passed, {RoundsPassed} check round(s) healthy since {Started:yyyy-MM-dd HH:mm:ss}Z; committed when it ends";
}

/// <summary>What the validator does after a check round inside the window.</summary>
public enum StabilityVerdict
{
    /// <summary>Healthy so far, window not over: check again after <see cref="StabilityStep.Wait"/>.</summary>
    Continue,

    /// <summary>Healthy for the whole window: commit.</summary>
    Stable,

    /// <summary>A required check failed inside the window: a failed try, as at the first validation.</summary>
    Failed,
}

public sealed record StabilityStep(StabilityVerdict Verdict, TimeSpan Wait, StabilityProgress Progress);

/// <summary>The rules of the stability window, with time given as data.</summary>
public static class StabilityWindow
{
    /// <summary>The longest gap between two check rounds: a failure is seen within half a minute (balenaOS re-checks every minute, Red Hat Edge Manager waits 60 s; a window is usually minutes).</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(30);

    /// <summary>The shortest gap: checks are processes, and a round every second is already many.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    /// <summary>The longest window <c>StabilitySec</c> takes: a day, as the trial deadline.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(1);

    /// <summary>A tenth of the window, from <see cref="MinInterval"/> to <see cref="MaxInterval"/>: ten rounds or more in any window.</summary>
    public static TimeSpan Interval(TimeSpan window)
    {
        var tenth = window / 10;
        return tenth < MinInterval ? MinInterval : tenth > MaxInterval ? MaxInterval : tenth;
    }

    /// <summary>The window that opens now, with the first (passing) round behind it, and when the next round is due.</summary>
    public static StabilityStep Open(string trial, string bootId, TimeSpan window, DateTimeOffset now)
    {
        var progress = new StabilityProgress
        {
            Trial = trial,
            BootId = bootId,
            WindowSec = window.TotalSeconds,
            Started = now,
            LastCheck = now,
        };
        var interval = Interval(window);
        return new StabilityStep(StabilityVerdict.Continue, window < interval ? window : interval, progress);
    }

    /// <summary>
    /// The step after a check round that ended <paramref name="elapsed"/> into the window (measured
    /// on a monotonic clock by the caller). A failed round ends the window whatever time is left;
    /// a passing round at or past the end commits; otherwise the next round comes after the
    /// interval, or at the window's end if that is sooner.
    /// </summary>
    public static StabilityStep Next(StabilityProgress progress, bool healthy, TimeSpan elapsed, DateTimeOffset now)
    {
        var window = TimeSpan.FromSeconds(progress.WindowSec);
        var after = progress with { ElapsedSec = elapsed.TotalSeconds, LastCheck = now };
        if (!healthy)
        {
            return new StabilityStep(StabilityVerdict.Failed, TimeSpan.Zero, after);
        }

        after = after with { RoundsPassed = progress.RoundsPassed + 1 };
        if (elapsed >= window)
        {
            return new StabilityStep(StabilityVerdict.Stable, TimeSpan.Zero, after);
        }

        var left = window - elapsed;
        var interval = Interval(window);
        return new StabilityStep(StabilityVerdict.Continue, left < interval ? left : interval, after);
    }

    /// <summary>
    /// The age of the boot at which the trial deadline rejects it. A validator holding the window
    /// open has found the trial healthy and decides at the window's end, so the deadline moves to
    /// that end plus one validation's time (<paramref name="validateDeadline"/>) and then only
    /// catches a validator that died in the window.
    /// </summary>
    /// <param name="age">The boot's age now (time since power-on).</param>
    public static TimeSpan DeadlineLimit(TimeSpan deadline, TimeSpan age, StabilityProgress? open, DateTimeOffset now, TimeSpan validateDeadline)
    {
        if (open is null)
        {
            return deadline;
        }

        var ends = open.Started + TimeSpan.FromSeconds(open.WindowSec) + validateDeadline;
        var atAge = age + (ends - now);
        return atAge > deadline ? atAge : deadline;
    }

    /// <summary>The message of a trial whose check failed inside the window, for the journal and the operator.</summary>
    public static string FailedMessage(StabilityProgress progress) =>
        $"a required check failed {Math.Floor(progress.ElapsedSec)} s into the {progress.WindowSec} s stability window ({progress.RoundsPassed} round(s) had passed)";
}
