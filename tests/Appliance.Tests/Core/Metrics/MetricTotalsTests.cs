using Appliance.Core.Journal;
using Appliance.Core.Metrics;

namespace Appliance.Tests.Core.Metrics;

public sealed class MetricTotalsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Fold_RejectionPrunedAfterRejectionKept_RollbackStaysCrashed()
    {
        var rescue = Boot("b1", "rescue", "rejected", "t3");
        var after = Boot("b2", "after-rejection", "rolled-back", "t3");

        var totals = MetricTotals.Zero.Fold([rescue, after], ["b1"]);
        var counts = totals.Including([after]);

        Assert.Equal(2, counts.BootAttempts);
        Assert.Equal(1, counts.Rollbacks[ApplianceMetrics.Reasons.Crashed]);
        Assert.False(counts.Rollbacks.ContainsKey(ApplianceMetrics.Reasons.ChecksFailed));
        Assert.Equal(new Dictionary<string, string> { ["b2"] = ApplianceMetrics.Reasons.Crashed }, totals.RollbackReasons);
    }

    [Fact]
    public void Fold_SameRecordsFoldedAgainAfterACrash_CountedOnce()
    {
        var records = new List<BootRecord> { Boot("b1", "normal", "good"), Boot("b2", "normal", "good"), Boot("b3", "normal", "good") };

        var once = MetricTotals.Zero.Fold(records, ["b1"]);
        var again = once.Fold(records, ["b1", "b2"]);

        Assert.Equal(1, once.Including([]).BootAttempts);
        Assert.Equal(3, once.Including(records).BootAttempts);
        Assert.Equal(2, again.BootAttempts);
        Assert.Equal(["b1", "b2"], again.FoldedBootIds);
        Assert.Equal(3, again.Including(records.Skip(2).ToList()).BootAttempts);
    }

    [Fact]
    public void Fold_FoldedRecordsGone_TheirIdsAndReasonsForgotten()
    {
        var rejection = Boot("b1", "trial", "rejected", "t1");
        var after = Boot("b2", "after-rejection", "rolled-back", "t1");
        var later = Boot("b3", "normal", "good");

        var first = MetricTotals.Zero.Fold([rejection, after, later], ["b1"]);
        var second = first.Fold([after, later], ["b2"]);

        Assert.Equal(["b2"], second.FoldedBootIds);
        Assert.Empty(second.RollbackReasons);
        Assert.Equal(1, second.Rollbacks[ApplianceMetrics.Reasons.MarkedBad]);
        Assert.Equal(3, second.Including([later]).BootAttempts);
    }

    private static BootRecord Boot(string id, string path, string result, string? trial = null) => new()
    {
        BootId = id,
        Time = T0,
        Path = path,
        Result = result,
        Message = result,
        Trial = trial,
    };
}
