using System.Text.Json.Serialization;

namespace Appliance.Core.Events;

/// <summary>The events operators can hook programs to, one directory each under <c>/etc/appliance/hooks.d/</c>.</summary>
public static class ApplianceEvents
{
    /// <summary><c>appliance upgrade stage</c> staged a trial kernel.</summary>
    public const string TrialStaged = "trial-staged";

    /// <summary>A trial passed its checks (or was marked good) and is now the known-good kernel.</summary>
    public const string Committed = "committed";

    /// <summary>The machine is back on the known-good kernel after a trial failed; sent from the healthy kernel, once per rollback.</summary>
    public const string RolledBack = "rolled-back";

    /// <summary>The last reset was the watchdog's.</summary>
    public const string WatchdogReset = "watchdog-reset";

    /// <summary>A health check failed.</summary>
    public const string CheckFailing = "check-failing";

    /// <summary>A trial kernel panicked into the rescue (kexec crash) kernel.</summary>
    public const string RescueEntered = "rescue-entered";

    public static IReadOnlyList<string> All { get; } = [TrialStaged, Committed, RolledBack, WatchdogReset, CheckFailing, RescueEntered];
}

/// <summary>What a hook is told about an event: one JSON object, the same shape for every event, fields that do not apply left out.</summary>
public sealed record EventDescription
{
    [JsonPropertyName("event")]
    public required string Event { get; init; }

    [JsonPropertyName("time")]
    public required DateTimeOffset Time { get; init; }

    /// <summary>One sentence for a human: what happened and what happens next.</summary>
    [JsonPropertyName("message")]
    public required string Message { get; init; }

    [JsonPropertyName("boot_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BootId { get; init; }

    /// <summary>The menu entry running now, when known.</summary>
    [JsonPropertyName("entry")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Entry { get; init; }

    /// <summary>The trial the event is about.</summary>
    [JsonPropertyName("trial")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Trial { get; init; }

    [JsonPropertyName("known_good")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? KnownGood { get; init; }

    [JsonPropertyName("tries_left")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TriesLeft { get; init; }

    /// <summary>The validator's result word, as in the boot journal (committed, rejected, rolled-back, unhealthy).</summary>
    [JsonPropertyName("result")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Result { get; init; }

    [JsonPropertyName("failing_checks")]
    public IReadOnlyList<string> FailingChecks { get; init; } = [];
}
