using Appliance.Core.Collections;
using Appliance.Core.Journal;
using Appliance.Core.Watchdog;

namespace Appliance.Core.Metrics;

/// <summary>What the metrics are built from, all read by the caller: the boot journal, grubenv's trial state and the watchdog daemon's files.</summary>
public sealed record MetricsInput(
    IReadOnlyList<BootRecord> Boots,
    bool TrialActive,
    ResetCauseRecord? ResetCause,
    WatchdogCounters? Watchdog);

/// <summary>
/// Appliance's metrics for node_exporter's textfile collector. Every count comes from the
/// boot journal, which keeps the newest <c>BootJournal.Keep</c> records: the counters are
/// counts over the journal, so they stop growing once it is full and drop when records are
/// pruned, which Prometheus' rate() takes as a counter reset.
/// </summary>
public static class ApplianceMetrics
{
    /// <summary>Why a trial was rolled back, as the <c>reason</c> label says it.</summary>
    public static class Reasons
    {
        /// <summary>The trial booted and failed its health checks.</summary>
        public const string ChecksFailed = "checks-failed";

        /// <summary>The trial panicked into the rescue (kexec crash) kernel.</summary>
        public const string Crashed = "crashed";

        /// <summary>Somebody ran <c>appliance boot mark-bad</c>.</summary>
        public const string MarkedBad = "marked-bad";

        /// <summary>The trial hung or reset on every try and GRUB returned to known-good by itself.</summary>
        public const string TriesExhausted = "tries-exhausted";

        /// <summary>GRUB could not load the trial's kernel or initrd and took the fallback entry.</summary>
        public const string LoadFailed = "load-failed";

        public static IReadOnlyList<string> All { get; } = [ChecksFailed, Crashed, MarkedBad, TriesExhausted, LoadFailed];
    }

    public static IReadOnlyList<MetricFamily> Build(MetricsInput input)
    {
        var families = new List<MetricFamily>
        {
            new("appliance_boot_attempts_total", "Boot attempts recorded in Appliance's boot journal (the newest 100 are kept).", MetricType.Counter,
                [MetricSample.Of(input.Boots.Count)]),
            new("appliance_rollbacks_total", "Trials rolled back to the known-good kernel, by reason, from the boot journal.", MetricType.Counter,
                Rollbacks(input.Boots)),
            new("appliance_check_failures_total", "Boot validations in the boot journal in which this health check failed.", MetricType.Counter,
                CheckFailures(input.Boots)),
            new("appliance_trial_active", "1 while a trial kernel is staged or running (grubenv's appliance_trial is set), else 0.", MetricType.Gauge,
                [MetricSample.Of(input.TrialActive ? 1 : 0)]),
        };

        if (input.ResetCause is { } reset)
        {
            families.Add(new("appliance_last_reset_cause", "Why the machine last reset, as the watchdog daemon read it at start (value 1; the cause is the label).", MetricType.Gauge,
                [MetricSample.Of("cause", reset.Cause, 1)]));
        }

        if (input.Watchdog is { } watchdog)
        {
            families.Add(new("appliance_watchdog_pets_total", "Watchdog pets by the running daemon since it started.", MetricType.Counter,
                [MetricSample.Of(watchdog.Pets)]));
            if (watchdog.LatePets is { } late)
            {
                families.Add(new("appliance_watchdog_late_pets_total", "Pets the daemon made later than its interval allows since it started.", MetricType.Counter,
                    [MetricSample.Of(late)]));
            }
        }

        return families;
    }

    /// <summary>Per check name, in ordinal order, the number of boots that list it among their failing checks (once per boot).</summary>
    private static List<MetricSample> CheckFailures(IReadOnlyList<BootRecord> boots)
    {
        var names = new List<string>();
        foreach (BootRecord boot in boots)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (FailingCheck check in boot.FailingChecks)
            {
                if (seen.Add(check.Name))
                {
                    names.Add(check.Name);
                }
            }
        }

        // Sorted, equal names are adjacent: each run is one check and its length the count.
        List<string> sorted = names.SortedOrdinal();
        var samples = new List<MetricSample>();
        for (int i = 0; i < sorted.Count;)
        {
            int run = 1;
            while (i + run < sorted.Count && string.Equals(sorted[i + run], sorted[i], StringComparison.Ordinal))
            {
                run++;
            }

            samples.Add(MetricSample.Of("check", sorted[i], run));
            i += run;
        }

        return samples;
    }

    /// <summary>
    /// One rollback per known-good boot that recorded it (result rolled-back): a rejection
    /// is journaled twice, on the trial's boot (rejected, with the evidence) and on the
    /// known-good boot after it, so counting rolled-back records counts each rollback once.
    /// Every reason is always present, so a dashboard sees zeros rather than no data.
    /// </summary>
    private static List<MetricSample> Rollbacks(IReadOnlyList<BootRecord> boots)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string reason in Reasons.All)
        {
            counts.Add(reason, 0);
        }

        for (int i = 0; i < boots.Count; i++)
        {
            if (boots[i].Result == "rolled-back")
            {
                counts[ReasonOf(boots, i)]++;
            }
        }

        return Reasons.All.Map(r => MetricSample.Of("reason", r, counts[r]));
    }

    private static string ReasonOf(IReadOnlyList<BootRecord> boots, int index)
    {
        var record = boots[index];
        switch (record.Path)
        {
            case "fell-back":
                return Reasons.LoadFailed;
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
                    { Path: "rescue" } => Reasons.Crashed,
                    { FailingChecks.Count: > 0 } => Reasons.ChecksFailed,
                    not null => Reasons.MarkedBad,

                    // The rejecting boot's record was pruned: a rejection without evidence
                    // to the contrary came from the checks, the validator's usual reason.
                    null => Reasons.ChecksFailed,
                };
            default:
                return Reasons.TriesExhausted;
        }
    }
}
