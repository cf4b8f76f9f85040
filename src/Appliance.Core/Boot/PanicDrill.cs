using System.Text.Json.Serialization;

namespace Appliance.Core.Boot;

/// <summary>
/// One <c>appliance drill panic</c>: a canary's proof that the escape hatch works (kdump-utils
/// #53, "people forget to test kdump"). Written just before the deliberate panic, completed by the
/// validators on the way back: the rescue kernel's, then the first healthy boot's.
/// </summary>
public sealed record PanicDrill
{
    /// <summary>When the drill panicked the kernel (just before the trigger, wall clock: the times span reboots).</summary>
    [JsonPropertyName("panicked")]
    public required DateTimeOffset Panicked { get; init; }

    /// <summary>The boot that panicked.</summary>
    [JsonPropertyName("boot_id")]
    public required string BootId { get; init; }

    /// <summary>The running entry, armed as its own rescue kernel; the drill passes when it comes back healthy.</summary>
    [JsonPropertyName("entry")]
    public required string Entry { get; init; }

    /// <summary>Seconds from the panic to the rescue kernel's validator; null until it ran (or when no rescue kernel came up).</summary>
    [JsonPropertyName("rescue_after_sec")]
    public double? RescueAfterSec { get; init; }

    /// <summary>Seconds from the panic to a healthy validated userspace again.</summary>
    [JsonPropertyName("healthy_after_sec")]
    public double? HealthyAfterSec { get; init; }

    [JsonPropertyName("healthy_entry")]
    public string? HealthyEntry { get; init; }

    /// <summary>null while under way; "passed", or a sentence saying what went wrong.</summary>
    [JsonPropertyName("result")]
    public string? Result { get; init; }

    public const string Passed = "passed";

    /// <summary>One line for <c>status</c>.</summary>
    public string Describe()
    {
        string rescue = RescueAfterSec is { } r ? $"rescue kernel up after {r:0.0} s" : "no rescue kernel seen";
        string healthy = HealthyAfterSec is { } h ? $"healthy on '{HealthyEntry}' after {h:0.0} s" : "not back to a healthy boot yet";
        return $"panic drill of '{Entry}' at {Panicked:yyyy-MM-dd HH:mm:ss}Z: {rescue}, {healthy}; {Result ?? "under way"}";
    }
}

/// <summary>The drill's rules, with the state and the time given as data.</summary>
public static class PanicDrills
{
    /// <summary>Why the drill must not run now, or null when it may: it panics the machine on purpose, so only a committed, idle machine whose operator said yes.</summary>
    public static string? Refusal(TrialState state, bool yes)
    {
        if (state.HasTrial || state.Boot is { Length: > 0 })
        {
            return $"a trial is under way ('{state.Trial ?? state.Failed}'); a drill panics the running kernel and would spend one of its tries. Run it once the trial is committed or rolled back";
        }

        if (state.Good is null)
        {
            return "no known-good entry is recorded in grubenv; 'appliance upgrade pin' one first, so the machine knows where to come back to";
        }

        return yes ? null : "this panics the running kernel on purpose (the machine reboots through the rescue kernel); add --yes to confirm";
    }

    /// <summary>The rescue kernel's validator ran: the first half of the way back.</summary>
    public static PanicDrill AtRescue(PanicDrill drill, string bootId, DateTimeOffset now) =>
        bootId == drill.BootId || drill.Result is not null || drill.RescueAfterSec is not null
            ? drill
            : drill with { RescueAfterSec = Seconds(drill, now) };

    /// <summary>
    /// A boot validated healthy after the drill's: the way back is complete. Passed when it is
    /// the drilled entry and the rescue kernel came up on the way; otherwise the sentence says
    /// which half failed.
    /// </summary>
    public static PanicDrill AtHealthyBoot(PanicDrill drill, string bootId, string? entry, DateTimeOffset now)
    {
        if (bootId == drill.BootId || drill.Result is not null)
        {
            return drill;
        }

        string result = drill.RescueAfterSec is null
            ? "failed: no rescue kernel came up after the panic (the machine came back through the firmware); check the crashkernel= reservation and 'appliance kexec status'"
            : entry != drill.Entry
                ? $"failed: came back on '{entry ?? "an unknown entry"}', not on the drilled '{drill.Entry}'"
                : PanicDrill.Passed;
        return drill with { HealthyAfterSec = Seconds(drill, now), HealthyEntry = entry, Result = result };
    }

    private static double Seconds(PanicDrill drill, DateTimeOffset now) => Math.Round((now - drill.Panicked).TotalSeconds, 1);
}
