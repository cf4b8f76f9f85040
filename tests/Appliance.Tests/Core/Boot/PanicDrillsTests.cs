using Appliance.Core.Boot;

namespace Appliance.Tests.Core.Boot;

/// <summary>The panic drill's rules: when it may run, and how the validators on the way back complete its record.</summary>
public sealed class PanicDrillsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 4, 0, 0, TimeSpan.Zero);

    private static readonly TrialState Idle = new(null, null, "good", null, null, "good");

    private static readonly PanicDrill Armed = new() { Panicked = T0, BootId = "b1", Entry = "good" };

    [Fact]
    public void Refusal_IdleWithYes_None()
    {
        Assert.Null(PanicDrills.Refusal(Idle, yes: true));
    }

    [Fact]
    public void Refusal_IdleWithoutYes_AsksForYes()
    {
        Assert.Contains("add --yes", PanicDrills.Refusal(Idle, yes: false), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("trial", null)]
    [InlineData(null, "rejected")]
    [InlineData(null, "trial")]
    public void Refusal_TrialUnderWay_RefusedEvenWithYes(string? trial, string? boot)
    {
        var state = Idle with { Trial = trial, Boot = boot, Failed = trial is null ? "old" : null };

        Assert.Contains("a trial is under way", PanicDrills.Refusal(state, yes: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Refusal_NoKnownGood_SaysPinFirst()
    {
        Assert.Contains("upgrade pin", PanicDrills.Refusal(Idle with { Good = null }, yes: true), StringComparison.Ordinal);
    }

    [Fact]
    public void AtRescue_AnotherBoot_RecordsSecondsSincePanic()
    {
        Assert.Equal(12.3, PanicDrills.AtRescue(Armed, "b2", T0.AddSeconds(12.34)).RescueAfterSec);
    }

    [Fact]
    public void AtRescue_TheDrillsOwnBoot_Unchanged()
    {
        Assert.Same(Armed, PanicDrills.AtRescue(Armed, "b1", T0.AddSeconds(5)));
    }

    [Fact]
    public void AtHealthyBoot_AfterRescueOnTheDrilledEntry_Passed()
    {
        var rescued = PanicDrills.AtRescue(Armed, "b2", T0.AddSeconds(10));

        var back = PanicDrills.AtHealthyBoot(rescued, "b3", "good", T0.AddSeconds(40));

        Assert.Equal(PanicDrill.Passed, back.Result);
        Assert.Equal(40, back.HealthyAfterSec);
        Assert.Equal("good", back.HealthyEntry);
        Assert.Contains("rescue kernel up after 10.0 s, healthy on 'good' after 40.0 s; passed", back.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void AtHealthyBoot_NoRescueSeen_FailedNamingTheReservation()
    {
        var back = PanicDrills.AtHealthyBoot(Armed, "b2", "good", T0.AddSeconds(90));

        Assert.StartsWith("failed: no rescue kernel came up", back.Result, StringComparison.Ordinal);
    }

    [Fact]
    public void AtHealthyBoot_AnotherEntry_FailedNamingIt()
    {
        var rescued = PanicDrills.AtRescue(Armed, "b2", T0.AddSeconds(10));

        Assert.Equal("failed: came back on 'other', not on the drilled 'good'", PanicDrills.AtHealthyBoot(rescued, "b3", "other", T0.AddSeconds(40)).Result);
    }

    [Fact]
    public void AtHealthyBoot_AlreadyDecided_Unchanged()
    {
        var done = Armed with { Result = PanicDrill.Passed };

        Assert.Same(done, PanicDrills.AtHealthyBoot(done, "b9", "good", T0.AddHours(1)));
    }
}
