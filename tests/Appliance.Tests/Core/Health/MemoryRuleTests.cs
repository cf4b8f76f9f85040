using Appliance.Core.Health;

namespace Appliance.Tests.Core.Health;

public sealed class MemoryRuleTests
{
    private const string MemInfo = "MemTotal:        1024000 kB\nMemFree:           10000 kB\nMemAvailable:     102400 kB\nBuffers:  1 kB\nHugePages_Total:       0\n";

    [Fact]
    public void Parse_ProcMeminfo_TotalAndAvailable()
    {
        Assert.Equal(new MemoryInfo(1024000, 102400), MemoryRule.Parse(MemInfo));
    }

    [Fact]
    public void Parse_KernelWithoutMemAvailable_Null()
    {
        Assert.Null(MemoryRule.Parse("MemTotal: 1000 kB\nMemFree: 10 kB\n"));
    }

    [Fact]
    public void Evaluate_AboveDefaultFivePercent_Passes()
    {
        Assert.Equal(CheckResult.Pass, MemoryRule.Evaluate(new MemoryInfo(1024000, 102400), new MemorySettings()).Result);
    }

    [Fact]
    public void Evaluate_BelowPercentAndMiB_FailsNamingBoth()
    {
        CheckOutcome o = MemoryRule.Evaluate(new MemoryInfo(1024000, 40960), new MemorySettings(MinAvailableMiB: 64));

        Assert.Equal(CheckResult.Fail, o.Result);
        Assert.Equal("40 MiB available of 1000 MiB (4.0%): below MinAvailableMiB=64, below MinAvailablePercent=5", o.Output);
    }

    [Fact]
    public void Evaluate_PercentUnset_OnlyMiBApplies()
    {
        Assert.Equal(CheckResult.Pass, MemoryRule.Evaluate(new MemoryInfo(1024000, 40960), new MemorySettings(MinAvailableMiB: 32, MinAvailablePercent: null)).Result);
    }
}
