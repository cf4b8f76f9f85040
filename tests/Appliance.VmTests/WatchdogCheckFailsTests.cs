using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 5: a failing Check= past its grace makes the daemon stop petting on purpose.</summary>
public sealed class WatchdogCheckFailsTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.WatchdogCheckFails)]
    public async Task WatchdogDaemon_HealthCheckFails_StopsPettingOnPurposeRecordsWhyAndVmResets()
    {
        await using var board = Boards.Create(BoardScenarios.WatchdogCheckFails, output);

        var result = await BoardScenarios.RunAsync(BoardScenarios.WatchdogCheckFails, board, output.WriteLine);

        Assert.NotEmpty(result.Observed["reason"]);
        Assert.Equal("watchdog reset", result.Observed["cause"]);
        Assert.Equal(2, result.Boots);
    }
}
