using Appliance.Core.Watchdog;

namespace Appliance.Tests.Core.Watchdog;

public sealed class PetGateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private static HealthVerdict Healthy(DateTimeOffset oldest) => new(true, [], oldest);

    private static HealthVerdict Sick(DateTimeOffset oldest) => new(false, ["disk: failed: full"], oldest);

    [Fact]
    public void Decide_Healthy_Pets()
    {
        var gate = new PetGate(TimeSpan.FromSeconds(10), hasRepair: false);

        Assert.Equal(GateAction.Pet, gate.Decide(Healthy(T0), T0).Action);
        Assert.Equal(GateState.Healthy, gate.State);
    }

    [Fact]
    public void Decide_UnhealthyWithinGrace_KeepsPetting()
    {
        var gate = new PetGate(TimeSpan.FromSeconds(10), hasRepair: false);

        Assert.Equal(GateAction.Pet, gate.Decide(Sick(T0), T0).Action);
        Assert.Equal(GateAction.Pet, gate.Decide(Sick(T0), T0.AddSeconds(9.9)).Action);
        Assert.Equal(GateState.Unhealthy, gate.State);
    }

    [Fact]
    public void Decide_UnhealthyPastGraceWithoutRepair_StopsWithReasonThenHolds()
    {
        var gate = new PetGate(TimeSpan.FromSeconds(10), hasRepair: false);
        gate.Decide(Sick(T0), T0);

        var stop = gate.Decide(Sick(T0), T0.AddSeconds(10));

        Assert.Equal(GateAction.Stop, stop.Action);
        Assert.Contains("disk: failed: full", stop.Reason);
        Assert.Equal(GateAction.Hold, gate.Decide(Healthy(T0.AddSeconds(11)), T0.AddSeconds(11)).Action);
    }

    [Fact]
    public void Decide_RecoversWithinGrace_ResetsTheGraceClock()
    {
        var gate = new PetGate(TimeSpan.FromSeconds(10), hasRepair: false);
        gate.Decide(Sick(T0), T0);
        gate.Decide(Healthy(T0), T0.AddSeconds(5));

        gate.Decide(Sick(T0), T0.AddSeconds(8));

        Assert.Equal(GateAction.Pet, gate.Decide(Sick(T0), T0.AddSeconds(17)).Action);
    }

    [Fact]
    public void Decide_PastGraceWithRepair_RepairsOnceAndPetsWhileItRuns()
    {
        var gate = new PetGate(TimeSpan.FromSeconds(10), hasRepair: true);
        gate.Decide(Sick(T0), T0);

        Assert.Equal(GateAction.PetAndRepair, gate.Decide(Sick(T0), T0.AddSeconds(10)).Action);
        Assert.Equal(GateAction.Pet, gate.Decide(Sick(T0), T0.AddSeconds(30)).Action);
        Assert.Equal(GateState.Repairing, gate.State);
    }

    [Fact]
    public void Decide_AfterRepair_WaitsForFreshResultsThenStopsIfStillSick()
    {
        var gate = new PetGate(TimeSpan.FromSeconds(10), hasRepair: true);
        gate.Decide(Sick(T0), T0);
        gate.Decide(Sick(T0), T0.AddSeconds(10));
        var repaired = T0.AddSeconds(12);
        gate.RepairFinished(repaired);

        Assert.Equal(GateAction.Pet, gate.Decide(Sick(T0.AddSeconds(11)), T0.AddSeconds(13)).Action);
        var stop = gate.Decide(Sick(T0.AddSeconds(13)), T0.AddSeconds(14));

        Assert.Equal(GateAction.Stop, stop.Action);
        Assert.Contains("still unhealthy after the repair hook", stop.Reason);
    }

    [Fact]
    public void Decide_AfterRepairHealthy_ReturnsToHealthy()
    {
        var gate = new PetGate(TimeSpan.FromSeconds(10), hasRepair: true);
        gate.Decide(Sick(T0), T0);
        gate.Decide(Sick(T0), T0.AddSeconds(10));
        gate.RepairFinished(T0.AddSeconds(12));

        Assert.Equal(GateAction.Pet, gate.Decide(Healthy(T0.AddSeconds(13)), T0.AddSeconds(14)).Action);
        Assert.Equal(GateState.Healthy, gate.State);
    }

    [Fact]
    public void Decide_AfterRepairNoFreshResultsWithinGrace_Stops()
    {
        var gate = new PetGate(TimeSpan.FromSeconds(10), hasRepair: true);
        gate.Decide(Sick(T0), T0);
        gate.Decide(Sick(T0), T0.AddSeconds(10));
        gate.RepairFinished(T0.AddSeconds(12));

        Assert.Equal(GateAction.Stop, gate.Decide(Healthy(T0), T0.AddSeconds(23)).Action);
    }

    [Fact]
    public void StayStopped_NeverPetsAgain()
    {
        var gate = new PetGate(TimeSpan.FromSeconds(10), hasRepair: true);
        gate.StayStopped();

        Assert.Equal(GateAction.Hold, gate.Decide(Healthy(T0), T0).Action);
    }
}
