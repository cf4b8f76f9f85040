using Appliance.Core.Health;
using Appliance.Core.Watchdog;

namespace Appliance.Tests.Core.Watchdog;

public sealed class FailureChecksTests
{
    [Fact]
    public void Temperature_BelowCritical_Passes()
    {
        var o = TemperatureCheck.Evaluate([new("coretemp/Core 0", 55000, 100000)], null);

        Assert.Equal(CheckResult.Pass, o.Result);
    }

    [Fact]
    public void Temperature_AtCritical_Fails()
    {
        var o = TemperatureCheck.Evaluate([new("coretemp/Core 0", 100000, 100000), new("acpitz", 40000, null)], null);

        Assert.Equal(CheckResult.Fail, o.Result);
        Assert.Contains("coretemp/Core 0 at 100.0 °C", o.Output);
    }

    [Fact]
    public void Temperature_ConfiguredMaxBelowCritical_Wins()
    {
        Assert.Equal(CheckResult.Fail, TemperatureCheck.Evaluate([new("s", 86000, 105000)], 85).Result);
        Assert.Equal(CheckResult.Fail, TemperatureCheck.Evaluate([new("no-crit", 86000, null)], 85).Result);
    }

    [Fact]
    public void Temperature_NoSensors_IsNotApplicable()
    {
        Assert.Equal(CheckResult.NotApplicable, TemperatureCheck.Evaluate([], 85).Result);
    }

    [Fact]
    public void Edac_FirstRun_TakesBaseline()
    {
        Assert.Equal(CheckResult.Pass, EdacCheck.Evaluate(null, new Dictionary<string, long> { ["mc0"] = 5000 }, 10).Result);
    }

    [Fact]
    public void Edac_BurstAboveLimit_Fails()
    {
        var o = EdacCheck.Evaluate(new Dictionary<string, long> { ["mc0"] = 100 }, new Dictionary<string, long> { ["mc0"] = 111 }, 10);

        Assert.Equal(CheckResult.Fail, o.Result);
        Assert.Contains("mc0: 11 corrected errors", o.Output);
    }

    [Fact]
    public void Edac_CounterReset_IsANewBaseline()
    {
        Assert.Equal(CheckResult.Pass, EdacCheck.Evaluate(new Dictionary<string, long> { ["mc0"] = 100 }, new Dictionary<string, long> { ["mc0"] = 0 }, 10).Result);
    }

    [Fact]
    public void Edac_NoControllers_IsNotApplicable()
    {
        Assert.Equal(CheckResult.NotApplicable, EdacCheck.Evaluate(null, new Dictionary<string, long>(), 10).Result);
    }
}
