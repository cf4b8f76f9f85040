using Appliance.Core.Health;

namespace Appliance.Tests.Core.Health;

public sealed class FreshnessRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly FreshnessSettings Beat = new("beat", Path: "/run/beat", MaxAge: TimeSpan.FromSeconds(60));

    [Fact]
    public void Evaluate_Young_Passes()
    {
        Assert.Equal(CheckOutcome.Pass("/run/beat: modified 59 s ago"), FreshnessRule.Evaluate(Now.AddSeconds(-59), Now, Beat));
    }

    [Fact]
    public void Evaluate_Old_Fails()
    {
        Assert.Equal(CheckOutcome.Fail("/run/beat: modified 61 s ago: older than MaxAgeSec=60"), FreshnessRule.Evaluate(Now.AddSeconds(-61), Now, Beat));
    }

    [Fact]
    public void Evaluate_Missing_Fails()
    {
        Assert.Equal(CheckOutcome.Fail("/run/beat: does not exist"), FreshnessRule.Evaluate(null, Now, Beat));
    }

    [Fact]
    public void Evaluate_InTheFuture_PassesAndSaysSo()
    {
        CheckOutcome o = FreshnessRule.Evaluate(Now.AddHours(1), Now, Beat);

        Assert.Equal(CheckResult.Pass, o.Result);
        Assert.Contains("in the future", o.Output);
    }
}
