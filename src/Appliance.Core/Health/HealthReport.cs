using System.Text.Json.Serialization;
using Appliance.Core.Collections;

namespace Appliance.Core.Health;

/// <summary>One check as the journal records it.</summary>
public sealed record CheckRecord
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("kind")]
    public required CheckKind Kind { get; init; }

    /// <summary>Whether a failure fails the boot. Implied by the kind for checks.d scripts; set by configuration for built-in checks.</summary>
    [JsonPropertyName("required")]
    public required bool Required { get; init; }

    [JsonPropertyName("result")]
    public required CheckResult Result { get; init; }

    /// <summary>The process exit status; null for built-in checks, timeouts and processes killed by a signal.</summary>
    [JsonPropertyName("exit_code")]
    public int? ExitCode { get; init; }

    [JsonPropertyName("duration_ms")]
    public long DurationMs { get; init; }

    /// <summary>stdout and stderr interleaved, capped at <c>[Checks] OutputLimitBytes</c>; for built-in checks the measured numbers.</summary>
    [JsonPropertyName("output")]
    public string Output { get; init; } = "";

    [JsonIgnore]
    public bool Failed => Result is CheckResult.Fail or CheckResult.Timeout or CheckResult.Error;

    public static CheckRecord From(string name, CheckKind kind, bool required, CheckOutcome outcome, TimeSpan duration) => new()
    {
        Name = name,
        Kind = kind,
        Required = required,
        Result = outcome.Result,
        ExitCode = outcome.ExitCode,
        DurationMs = (long)duration.TotalMilliseconds,
        Output = outcome.Output,
    };
}

/// <summary>
/// The verdict over all checks: healthy unless a required check failed. Wanted failures are
/// warnings, reported but never fatal, as in greenboot.
/// </summary>
public sealed record HealthReport
{
    [JsonPropertyName("healthy")]
    public required bool Healthy { get; init; }

    [JsonPropertyName("checks")]
    public required IReadOnlyList<CheckRecord> Checks { get; init; }

    /// <summary>Required checks that failed, timed out or could not run: why the boot is not healthy.</summary>
    [JsonIgnore]
    public IEnumerable<CheckRecord> Failures => Checks.Filter(c => c.Required && c.Failed);

    /// <summary>Wanted checks that failed: reported, not fatal.</summary>
    [JsonIgnore]
    public IEnumerable<CheckRecord> Warnings => Checks.Filter(c => !c.Required && c.Failed);
}
