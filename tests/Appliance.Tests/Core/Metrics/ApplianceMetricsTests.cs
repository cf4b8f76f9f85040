using Appliance.Core.Health;
using Appliance.Core.Journal;
using Appliance.Core.Metrics;
using Appliance.Core.Watchdog;

namespace Appliance.Tests.Core.Metrics;

public sealed class ApplianceMetricsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);
    private int _boots;

    [Fact]
    public void Build_JournalWithEveryKindOfRollback_OneRollbackPerReasonNotTwoPerRejection()
    {
        var boots = new List<BootRecord>
        {
            Boot("normal", "good"),
            Boot("trial", "committed", trial: "t1"),
            // Checks failed on the trial, then the known-good boot after it: one rollback.
            Boot("trial", "rejected", trial: "t2", failing: ["50-app"]),
            Boot("after-rejection", "rolled-back", trial: "t2"),
            // Panic into the rescue kernel, then known-good.
            Boot("rescue", "rejected", trial: "t3"),
            Boot("after-rejection", "rolled-back", trial: "t3"),
            // appliance boot mark-bad, then known-good.
            Boot("trial", "rejected", trial: "t4"),
            Boot("after-rejection", "rolled-back", trial: "t4"),
            // GRUB spent every try; GRUB could not load the kernel.
            Boot("rolled-back", "rolled-back", trial: "t5"),
            Boot("fell-back", "rolled-back", trial: "t6"),
            Boot("normal", "unhealthy", failing: ["50-app", "load"]),
        };

        var families = Parse(new MetricsInput(boots, TrialActive: false, ResetCause: null, Watchdog: null));

        Assert.Equal(11, Single(families, "appliance_boot_attempts_total").Value);
        var rollbacks = families.Single(f => f.Name == "appliance_rollbacks_total");
        Assert.Equal("counter", rollbacks.Type);
        Assert.Equal(
            [("checks-failed", 1.0), ("crashed", 1.0), ("marked-bad", 1.0), ("tries-exhausted", 1.0), ("load-failed", 1.0)],
            rollbacks.Samples.Select(s => (s.Label("reason")!, s.Value)).ToList());
        var checks = families.Single(f => f.Name == "appliance_check_failures_total").Samples;
        Assert.Equal([("50-app", 2.0), ("load", 1.0)], checks.Select(s => (s.Label("check")!, s.Value)).ToList());
        Assert.Equal(0, Single(families, "appliance_trial_active").Value);
        Assert.DoesNotContain(families, f => f.Name.StartsWith("appliance_watchdog", StringComparison.Ordinal) || f.Name == "appliance_last_reset_cause");
    }

    [Fact]
    public void Build_EmptyJournal_ZeroCountersAndEveryReasonPresent()
    {
        var families = Parse(new MetricsInput([], TrialActive: true, ResetCause: null, Watchdog: null));

        Assert.Equal(0, Single(families, "appliance_boot_attempts_total").Value);
        Assert.Equal(5, families.Single(f => f.Name == "appliance_rollbacks_total").Samples.Count(s => s.Value == 0));
        Assert.Empty(families.Single(f => f.Name == "appliance_check_failures_total").Samples);
        Assert.Equal(1, Single(families, "appliance_trial_active").Value);
    }

    [Fact]
    public void Build_ResetCauseAndDaemonCounters_ReportedWithCauseLabel()
    {
        var reset = new ResetCauseRecord { BootId = "b", RecordedAt = T0, Cause = "watchdog reset, \"overheat\"", Devices = [] };

        var families = Parse(new MetricsInput([], false, reset, new WatchdogCounters { Pets = 1234, LatePets = 2 }));

        var cause = Assert.Single(families.Single(f => f.Name == "appliance_last_reset_cause").Samples);
        Assert.Equal("watchdog reset, \"overheat\"", cause.Label("cause"));
        Assert.Equal(1, cause.Value);
        Assert.Equal(1234, Single(families, "appliance_watchdog_pets_total").Value);
        Assert.Equal(2, Single(families, "appliance_watchdog_late_pets_total").Value);
    }

    [Fact]
    public void Build_DaemonLateness_ExportedInSeconds()
    {
        var families = Parse(new MetricsInput([], false, null, new WatchdogCounters { Pets = 9, LatePets = 1, LargestLatenessMs = 1250 }));

        Assert.Equal(1.25, Single(families, "appliance_watchdog_pet_lateness_max_seconds").Value);
        Assert.Equal("gauge", families.Single(f => f.Name == "appliance_watchdog_pet_lateness_max_seconds").Type);
    }

    [Fact]
    public void Build_DaemonStateWithoutLatePets_LatePetsLeftOutNotZero()
    {
        var families = Parse(new MetricsInput([], false, null, new WatchdogCounters { Pets = 5 }));

        Assert.Equal(5, Single(families, "appliance_watchdog_pets_total").Value);
        Assert.DoesNotContain(families, f => f.Name == "appliance_watchdog_late_pets_total");
        Assert.DoesNotContain(families, f => f.Name == "appliance_watchdog_pet_lateness_max_seconds");
    }

    private static IReadOnlyList<ParsedFamily> Parse(MetricsInput input) =>
        StrictPrometheusParser.Parse(PrometheusText.Format(ApplianceMetrics.Build(input)));

    private static ParsedSample Single(IReadOnlyList<ParsedFamily> families, string name) =>
        Assert.Single(families.Single(f => f.Name == name).Samples);

    private BootRecord Boot(string path, string result, string? trial = null, string[]? failing = null) => new()
    {
        BootId = $"{++_boots:x8}-0000-4000-8000-000000000000",
        Time = T0.AddMinutes(_boots),
        Path = path,
        Result = result,
        Message = $"{path} {result}",
        Trial = trial,
        FailingChecks = (failing ?? []).Select(n => new FailingCheck(n, CheckResult.Fail, "output")).ToList(),
    };
}
