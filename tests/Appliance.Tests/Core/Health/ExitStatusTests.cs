using Appliance.Core.Health;

namespace Appliance.Tests.Core.Health;

/// <summary>One rule for how a program ended: health checks, the daemon's Check= programs and event hooks all judge by it.</summary>
public sealed class ExitStatusTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1.5);

    [Fact]
    public void Judge_ExitZero_Passes()
    {
        Assert.Equal(new CheckOutcome(CheckResult.Pass, "ok\n", 0), ExitStatus.Judge(0, null, false, "ok\n", Timeout));
    }

    [Fact]
    public void Judge_NonZeroExit_FailsWithTheCode()
    {
        Assert.Equal(new CheckOutcome(CheckResult.Fail, "no db", 3), ExitStatus.Judge(3, null, false, "no db", Timeout));
    }

    [Fact]
    public void Judge_Signal_FailsSayingWhich()
    {
        Assert.Equal(CheckOutcome.Fail("half\n[appliance: killed by signal 9]"), ExitStatus.Judge(null, 9, false, "half\n", Timeout));
    }

    [Fact]
    public void Judge_TimedOut_IsATimeoutWhateverTheStatus()
    {
        Assert.Equal(new CheckOutcome(CheckResult.Timeout, "waiting\n[appliance: killed with its process group after 1.5 s]"), ExitStatus.Judge(null, 9, true, "waiting", Timeout));
    }

    [Fact]
    public void Judge_NeitherCodeNorSignal_IsAnError()
    {
        Assert.Equal(CheckResult.Error, ExitStatus.Judge(null, null, false, "", Timeout).Result);
    }
}
