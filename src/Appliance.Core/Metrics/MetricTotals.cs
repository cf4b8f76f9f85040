using System.Text.Json.Serialization;
using Appliance.Core.Collections;
using Appliance.Core.Journal;

namespace Appliance.Core.Metrics;

/// <summary>
/// The journal's counters (boot attempts, rollbacks by reason, check failures by check) for the
/// records the journal has pruned, so that the counters never go down: the metrics report these
/// totals plus the counts over the records still kept (<see cref="Including"/>). The journal
/// folds records in just before deleting them (<see cref="Fold"/>), and this is the one home of
/// the rules for what a record counts as.
/// </summary>
public sealed record MetricTotals
{
    public static MetricTotals Zero { get; } = new();

    [JsonPropertyName("boot_attempts")]
    public long BootAttempts { get; init; }

    /// <summary>Per reason (<see cref="ApplianceMetrics.Reasons"/>); a reason without rollbacks may be absent.</summary>
    [JsonPropertyName("rollbacks")]
    public IReadOnlyDictionary<string, long> Rollbacks { get; init; } = new Dictionary<string, long>();

    [JsonPropertyName("check_failures")]
    public IReadOnlyDictionary<string, long> CheckFailures { get; init; } = new Dictionary<string, long>();

    /// <summary>
    /// The boot ids of records already counted in these totals that may still be on disk: the
    /// totals are written before the records are deleted, so after a crash between the two the
    /// records are still there and must be neither counted again nor folded again.
    /// </summary>
    [JsonPropertyName("folded_boot_ids")]
    public IReadOnlyList<string> FoldedBootIds { get; init; } = [];

    /// <summary>
    /// Rollback reasons, by boot id, of kept records whose reason was read from a record since
    /// pruned (the rejection before an after-rejection boot): without it, the kept record's reason
    /// would fall back to the default when its rejection goes, moving a rollback between reasons.
    /// </summary>
    [JsonPropertyName("rollback_reasons")]
    public IReadOnlyDictionary<string, string> RollbackReasons { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// These totals with the records named in <paramref name="pruning"/> counted in, ready to be
    /// written before those records are deleted. Every record's share is worked out over all of
    /// <paramref name="present"/>, so a pruned after-rejection boot still sees its rejection.
    /// </summary>
    /// <param name="present">Every readable record on disk, oldest first, including those about to go.</param>
    /// <param name="pruning">Boot ids of the records about to be deleted.</param>
    public MetricTotals Fold(IReadOnlyList<BootRecord> present, IReadOnlyList<string> pruning)
    {
        var going = new HashSet<string>(pruning, StringComparer.Ordinal);
        var folded = new HashSet<string>(FoldedBootIds, StringComparer.Ordinal);
        var counts = new Counts(this);
        List<Share> shares = Shares(present, RollbackReasons);
        foreach (Share share in shares)
        {
            if (going.Contains(share.BootId) && !folded.Contains(share.BootId))
            {
                counts.Add(share);
            }
        }

        // The kept records' reasons as they will be read once the pruned records are gone; where
        // that differs from the reason read with them present, the latter is kept.
        List<BootRecord> kept = present.Filter(r => !going.Contains(r.BootId));
        var keptReasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Share share in Shares(kept, RollbackReasons))
        {
            if (share.RollbackReason is { } reason)
            {
                keptReasons[share.BootId] = reason;
            }
        }

        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Share share in shares)
        {
            if (share.RollbackReason is { } reason && keptReasons.TryGetValue(share.BootId, out string? later) && later != reason)
            {
                reasons[share.BootId] = reason;
            }
            else if (RollbackReasons.TryGetValue(share.BootId, out string? earlier) && !going.Contains(share.BootId))
            {
                reasons[share.BootId] = earlier;
            }
        }

        // Ids folded earlier matter only while their records are still on disk.
        var stillFolded = new List<string>(pruning);
        foreach (BootRecord record in present)
        {
            if (folded.Contains(record.BootId) && !going.Contains(record.BootId))
            {
                stillFolded.Add(record.BootId);
            }
        }

        return counts.ToTotals(stillFolded, reasons);
    }

    /// <summary>
    /// What the metrics report: these totals plus the records on disk not folded in yet.
    /// <see cref="FoldedBootIds"/> and <see cref="RollbackReasons"/> are left empty.
    /// </summary>
    /// <param name="present">Every readable record on disk, oldest first.</param>
    public MetricTotals Including(IReadOnlyList<BootRecord> present)
    {
        var folded = new HashSet<string>(FoldedBootIds, StringComparer.Ordinal);
        var counts = new Counts(this);
        foreach (Share share in Shares(present, RollbackReasons))
        {
            if (!folded.Contains(share.BootId))
            {
                counts.Add(share);
            }
        }

        return counts.ToTotals([], new Dictionary<string, string>());
    }

    /// <summary>Why this record's totals cannot be right (a negative count), or null.</summary>
    public string? Problem()
    {
        if (BootAttempts < 0)
        {
            return $"boot_attempts is {BootAttempts}";
        }

        foreach (var (name, counts) in new[] { ("rollbacks", Rollbacks), ("check_failures", CheckFailures) })
        {
            if (counts is null)
            {
                return $"{name} is null";
            }

            foreach (var pair in counts)
            {
                if (pair.Value < 0)
                {
                    return $"{name}[\"{pair.Key}\"] is {pair.Value}";
                }
            }
        }

        return FoldedBootIds is null || RollbackReasons is null ? "folded_boot_ids or rollback_reasons is null" : null;
    }

    /// <summary>What one record adds: one boot attempt, maybe one rollback, one failure per distinct failing check.</summary>
    private sealed record Share(string BootId, string? RollbackReason, IReadOnlyList<string> FailedChecks);

    private static List<Share> Shares(IReadOnlyList<BootRecord> boots, IReadOnlyDictionary<string, string> knownReasons)
    {
        var shares = new List<Share>(boots.Count);
        for (int i = 0; i < boots.Count; i++)
        {
            BootRecord boot = boots[i];
            string? reason = null;
            if (boot.Result == "rolled-back")
            {
                reason = knownReasons.TryGetValue(boot.BootId, out string? known) ? known : ReasonOf(boots, i);
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            var failed = new List<string>();
            foreach (FailingCheck check in boot.FailingChecks)
            {
                if (seen.Add(check.Name))
                {
                    failed.Add(check.Name);
                }
            }

            shares.Add(new Share(boot.BootId, reason, failed));
        }

        return shares;
    }

    /// <summary>
    /// One rollback per known-good boot that recorded it (result rolled-back): a rejection is
    /// journaled twice, on the trial's boot (rejected, with the evidence) and on the known-good
    /// boot after it, so counting rolled-back records counts each rollback once, and the reason
    /// is read from the rejection before it.
    /// </summary>
    private static string ReasonOf(IReadOnlyList<BootRecord> boots, int index)
    {
        var record = boots[index];
        switch (record.Path)
        {
            case "fell-back":
                return ApplianceMetrics.Reasons.LoadFailed;
            case "after-rejection":
                BootRecord? rejection = null;
                for (int k = index - 1; k >= 0 && rejection is null; k--)
                {
                    if (boots[k].Result == "rejected" && boots[k].Trial == record.Trial)
                    {
                        rejection = boots[k];
                    }
                }

                return rejection switch
                {
                    { Path: "rescue" } => ApplianceMetrics.Reasons.Crashed,
                    { FailingChecks.Count: > 0 } => ApplianceMetrics.Reasons.ChecksFailed,
                    not null => ApplianceMetrics.Reasons.MarkedBad,

                    // The rejecting boot's record was pruned before this one was written: a
                    // rejection without evidence to the contrary came from the checks, the
                    // validator's usual reason.
                    null => ApplianceMetrics.Reasons.ChecksFailed,
                };
            default:
                return ApplianceMetrics.Reasons.TriesExhausted;
        }
    }

    /// <summary>Mutable counts while adding shares up.</summary>
    private sealed class Counts
    {
        private readonly Dictionary<string, long> _rollbacks;
        private readonly Dictionary<string, long> _checks;
        private long _attempts;

        public Counts(MetricTotals start)
        {
            _attempts = start.BootAttempts;
            _rollbacks = new Dictionary<string, long>(start.Rollbacks, StringComparer.Ordinal);
            _checks = new Dictionary<string, long>(start.CheckFailures, StringComparer.Ordinal);
        }

        public void Add(Share share)
        {
            _attempts++;
            if (share.RollbackReason is { } reason)
            {
                _rollbacks[reason] = _rollbacks.GetValueOrDefault(reason) + 1;
            }

            foreach (string check in share.FailedChecks)
            {
                _checks[check] = _checks.GetValueOrDefault(check) + 1;
            }
        }

        public MetricTotals ToTotals(IReadOnlyList<string> folded, IReadOnlyDictionary<string, string> reasons) => new()
        {
            BootAttempts = _attempts,
            Rollbacks = _rollbacks,
            CheckFailures = _checks,
            FoldedBootIds = folded,
            RollbackReasons = reasons,
        };
    }
}
