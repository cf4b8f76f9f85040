using Appliance.Core.Collections;
using Appliance.Core.Health;
using Appliance.Core.Journal;
using Appliance.Core.Watchdog;

namespace Appliance.Core.Metrics;

/// <summary>
/// What the metrics are built from, all read by the caller: the boot journal with the totals of
/// the records it has pruned (none when null), grubenv's trial state and the watchdog daemon's files.
/// </summary>
public sealed record MetricsInput(
    IReadOnlyList<BootRecord> Boots,
    bool TrialActive,
    ResetCauseRecord? ResetCause,
    WatchdogCounters? Watchdog,
    MetricTotals? Totals = null,
    IReadOnlyList<EscapeHatchFinding>? EscapeHatch = null);

/// <summary>
/// Appliance's metrics for node_exporter's textfile collector. The boot counters are the
/// journal's records plus the totals of the records it has pruned (<see cref="MetricTotals"/>):
/// the journal keeps only the newest records, and a counter that went down when one was pruned
/// would read to Prometheus' rate() as a counter reset.
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
        MetricTotals counts = (input.Totals ?? MetricTotals.Zero).Including(input.Boots);
        var families = new List<MetricFamily>
        {
            new("appliance_boot_attempts_total", "Boot attempts recorded in Appliance's boot journal, including records since pruned.", MetricType.Counter,
                [MetricSample.Of(counts.BootAttempts)]),
            new("appliance_rollbacks_total", "Trials rolled back to the known-good kernel, by reason, from the boot journal, including records since pruned.", MetricType.Counter,
                Rollbacks(counts)),
            new("appliance_check_failures_total", "Boot validations in which this health check failed, from the boot journal, including records since pruned.", MetricType.Counter,
                CheckFailures(counts)),
            new("appliance_trial_active", "1 while a trial kernel is staged or running (grubenv's appliance_trial is set), else 0.", MetricType.Gauge,
                [MetricSample.Of(input.TrialActive ? 1 : 0)]),
        };

        if (input.EscapeHatch is { } findings)
        {
            families.Add(new("appliance_escape_hatch_problem", "1 when the escape-hatch self-test finds this problem (appliance check names it escape-hatch:FINDING), else 0; not-applicable findings read 0.", MetricType.Gauge,
                findings.Map(f => MetricSample.Of("finding", f.Id, f.Present ? 1 : 0))));
        }

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
                families.Add(new("appliance_watchdog_late_pets_total", "Pets the daemon made more than half an interval after they were due, since it started.", MetricType.Counter,
                    [MetricSample.Of(late)]));
            }

            if (watchdog.LargestLatenessMs is { } largest)
            {
                // Prometheus' base unit for time is the second (its naming guide), as node_exporter's *_seconds metrics.
                families.Add(new("appliance_watchdog_pet_lateness_max_seconds", "How late the latest-going pet was since the daemon started; 0 when none was late.", MetricType.Gauge,
                    [MetricSample.Of(largest / 1000.0)]));
            }
        }

        return families;
    }

    /// <summary>Per check name, in ordinal order, the number of boots that listed it among their failing checks.</summary>
    private static List<MetricSample> CheckFailures(MetricTotals counts) =>
        counts.CheckFailures.Keys.SortedOrdinal().Map(name => MetricSample.Of("check", name, counts.CheckFailures[name]));

    /// <summary>Every reason is always present, so a dashboard sees zeros rather than no data.</summary>
    private static List<MetricSample> Rollbacks(MetricTotals counts) =>
        Reasons.All.Map(r => MetricSample.Of("reason", r, counts.Rollbacks.GetValueOrDefault(r)));
}
