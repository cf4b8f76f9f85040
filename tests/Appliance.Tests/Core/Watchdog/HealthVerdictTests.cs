using Appliance.Core.Health;
using Appliance.Core.Watchdog;

namespace Appliance.Tests.Core.Watchdog;

public sealed class HealthVerdictTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Stale = TimeSpan.FromSeconds(30);

    private static PublishedCheck Done(string name, CheckResult result, DateTimeOffset at, string output = "") =>
        new(name, T0, CheckRecord.From(name, CheckKind.Builtin, true, new CheckOutcome(result, output), TimeSpan.Zero), at);

    [Fact]
    public void Combine_NoChecks_IsHealthy()
    {
        Assert.True(HealthVerdict.Combine([], T0, Stale).Healthy);
    }

    [Fact]
    public void Combine_PendingWithinStaleLimit_IsHealthy()
    {
        var v = HealthVerdict.Combine([new PublishedCheck("slow", T0, null, null)], T0.AddSeconds(29), Stale);

        Assert.True(v.Healthy);
        Assert.Equal(T0, v.Oldest);
    }

    [Fact]
    public void Combine_HungCheck_BecomesAFailureOnceStale()
    {
        var v = HealthVerdict.Combine([Done("hang", CheckResult.Pass, T0)], T0.AddSeconds(31), Stale);

        Assert.False(v.Healthy);
        Assert.Contains("hang: no new result in 31 s", v.Failures.Single());
    }

    [Theory]
    [InlineData(CheckResult.Fail, false)]
    [InlineData(CheckResult.Timeout, false)]
    [InlineData(CheckResult.Error, false)]
    [InlineData(CheckResult.NotApplicable, true)]
    [InlineData(CheckResult.Pass, true)]
    public void Combine_Result_CountsAsFailureOnlyForFailTimeoutError(CheckResult result, bool healthy)
    {
        var v = HealthVerdict.Combine([Done("c", result, T0, "line1\nwhy it failed\n")], T0, Stale);

        Assert.Equal(healthy, v.Healthy);
        if (!healthy)
        {
            Assert.EndsWith(": why it failed", v.Failures.Single());
        }
    }
}

public sealed class HealthVerdictFreshnessTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Combine_ResultFinishedAfterButStartedBeforeAnEvent_IsNotFreshForIt()
    {
        var record = CheckRecord.From("c", CheckKind.Builtin, true, CheckOutcome.Fail("x"), TimeSpan.Zero);
        var check = new PublishedCheck("c", T0, record, At: T0.AddSeconds(5), RunStarted: T0.AddSeconds(1));

        Assert.Equal(T0.AddSeconds(1), HealthVerdict.Combine([check], T0.AddSeconds(6), TimeSpan.FromSeconds(30)).Oldest);
    }
}
