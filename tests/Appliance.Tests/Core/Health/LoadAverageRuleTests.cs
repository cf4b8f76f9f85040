using Appliance.Core.Health;

namespace Appliance.Tests.Core.Health;

public sealed class LoadAverageRuleTests
{
    [Fact]
    public void Parse_ProcLoadavg_ReadsThreeAverages()
    {
        Assert.Equal(new LoadAverage(0.2, 1.5, 12.25), LoadAverageRule.Parse("0.20 1.50 12.25 1/80 11206\n"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0.20 x 1")]
    [InlineData("0.20 0.1")]
    public void Parse_Garbage_Null(string text)
    {
        Assert.Null(LoadAverageRule.Parse(text));
    }

    [Fact]
    public void Evaluate_NoLimits_PassesWithNumbers()
    {
        CheckOutcome o = LoadAverageRule.Evaluate(new LoadAverage(50, 40, 30), new LoadAverageSettings());

        Assert.Equal(CheckOutcome.Pass("load average 50.00 40.00 30.00"), o);
    }

    [Fact]
    public void Evaluate_OverAnyLimit_FailsNamingEach()
    {
        CheckOutcome o = LoadAverageRule.Evaluate(new LoadAverage(5, 3, 1), new LoadAverageSettings(MaxLoad1: 4, MaxLoad5: 2.5, MaxLoad15: 1));

        Assert.Equal(CheckResult.Fail, o.Result);
        Assert.Equal("load average 5.00 3.00 1.00: 1-minute 5.00 > MaxLoad1=4, 5-minute 3.00 > MaxLoad5=2.5", o.Output);
    }
}
