using System.Text.Json.Serialization;
using Appliance.Core.Boot;
using Appliance.Core.Collections;
using Appliance.Core.Health;
using Appliance.Core.Journal;

namespace Appliance.Core.Status;

/// <summary>What <c>appliance status</c> and <c>upgrade status</c> report, built from grubenv and the journal.</summary>
public sealed record StatusReport
{
    /// <summary>idle, staged, trial-running, fell-back (awaiting validation) or rolled-back (awaiting validation).</summary>
    [JsonPropertyName("state")]
    public required string State { get; init; }

    [JsonPropertyName("trial")]
    public string? Trial { get; init; }

    [JsonPropertyName("tries_left")]
    public int? TriesLeft { get; init; }

    [JsonPropertyName("known_good")]
    public string? KnownGood { get; init; }

    [JsonPropertyName("running_entry")]
    public string? RunningEntry { get; init; }

    /// <summary>The entry whose trial failed last, from grubenv.</summary>
    [JsonPropertyName("failed")]
    public string? Failed { get; init; }

    /// <summary>How the most recent trial ended, from the journal: committed or rolled back, with why.</summary>
    [JsonPropertyName("last_trial")]
    public BootRecord? LastTrial { get; init; }

    [JsonPropertyName("rollback")]
    public string? Rollback { get; init; }

    [JsonPropertyName("boots")]
    public IReadOnlyList<BootRecord> Boots { get; init; } = [];

    /// <summary>The kernel builds that failed a trial, which 'upgrade stage' refuses without --force; set by the caller, which reads them.</summary>
    [JsonPropertyName("quarantined")]
    public IReadOnlyList<Quarantine.QuarantineEntry> Quarantined { get; init; } = [];

    /// <summary>The running trial's stability window while the validator holds it open; set by the caller, which reads it.</summary>
    [JsonPropertyName("stability")]
    public StabilityProgress? Stability { get; init; }

    /// <summary>The last panic drill and how the way back went; set by the caller, which reads it.</summary>
    [JsonPropertyName("last_drill")]
    public PanicDrill? LastDrill { get; init; }

    /// <summary>The UEFI firmware's BootCurrent, BootNext and BootOrder; null on a machine without efivarfs (BIOS).</summary>
    [JsonPropertyName("firmware")]
    public Firmware.FirmwareBootReport? Firmware { get; init; }

    public const int BootsShown = 10;

    public static StatusReport From(TrialState state, string? running, IReadOnlyList<BootRecord> records)
    {
        var lastTrial = records.FindLast(r => r.Trial is not null && r.Result is "committed" or "rejected" or "rolled-back");
        var lastRollback = records.FindLast(r => r.Result is "rejected" or "rolled-back");
        return new StatusReport
        {
            State = StateOf(state, running),
            Trial = state.Trial,
            TriesLeft = state.HasTrial ? state.Tries : null,
            KnownGood = state.Good,
            RunningEntry = running,
            Failed = state.Failed,
            LastTrial = lastTrial,
            Rollback = lastRollback is null ? null : Explain(lastRollback, CauseOf(lastRollback, records)),
            Boots = records.From(records.Count - BootsShown),
        };
    }

    /// <summary>
    /// The boot that failed the trial. A rollback is recorded twice: on the trial's own boot
    /// (rejected, with the failing checks, the panic or the missed deadline) and on the
    /// known-good boot after it; the operator wants the first one's evidence with the second
    /// one's outcome.
    /// </summary>
    private static BootRecord CauseOf(BootRecord rollback, IReadOnlyList<BootRecord> records) =>
        records.FindLast(r => r.Result == "rejected" && r.Trial == rollback.Trial && r.Time <= rollback.Time
            && (r.FailingChecks.Count > 0 || r.Forensics.Count > 0 || r.Path == JournalNames.Of(BootKind.Trial))) ?? rollback;

    /// <summary>One plain sentence an operator reads: when, which trial, why, and what failed.</summary>
    public static string Explain(BootRecord record, BootRecord cause)
    {
        string checks = cause.FailingChecks.Count == 0
            ? ""
            : "; failing checks: " + string.Join(", ", cause.FailingChecks.Map(c => $"{c.Name} ({HealthEvaluator.Label(c.Result)}{(c.Output.Length > 0 ? ": " + FirstLine(c.Output) : "")})"));
        string forensics = cause.Forensics.Count == 0 ? "" : "; " + string.Join("; ", cause.Forensics.Map(FirstLine));
        string why = ReferenceEquals(record, cause) ? "" : $" (on {cause.Time:yyyy-MM-dd HH:mm:ss}Z: {cause.Message})";
        return $"rollback at {record.Time:yyyy-MM-dd HH:mm:ss}Z: {record.Message}{why}{checks}{forensics}";
    }

    private static string FirstLine(string text)
    {
        string line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [var first, ..] ? first : "";
        return line.Length > 160 ? line[..160] + "..." : line;
    }

    private static string StateOf(TrialState state, string? running) => state switch
    {
        { Trial: not null, Boot: TrialMachine.BootTrial } when running is null || running == state.Trial => "trial-running",
        { Trial: not null, Boot: TrialMachine.BootTrial } => "fell-back",
        { Trial: not null } => "staged",
        { Boot: TrialMachine.BootRollback or TrialMachine.BootRejected } => "rolled-back",
        _ => "idle",
    };
}
