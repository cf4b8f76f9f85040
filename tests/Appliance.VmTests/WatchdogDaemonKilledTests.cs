using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 5: SIGKILL of the daemon leaves the i6300esb running; it resets the VM and the next daemon start records the cause.</summary>
public sealed class WatchdogDaemonKilledTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.WatchdogDaemonKilled)]
    public async Task WatchdogDaemon_Sigkilled_I6300esbResetsWithinTimeoutAndNextBootRecordsWatchdogReset()
    {
        await using var board = Boards.Create(BoardScenarios.WatchdogDaemonKilled, output);

        var result = await BoardScenarios.RunAsync(BoardScenarios.WatchdogDaemonKilled, board, output.WriteLine);

        Assert.Equal("watchdog reset", result.Observed["cause"]);
        Assert.Equal("32", result.Observed["bootstatus"]);
        Assert.Equal(2, result.Boots);
    }
}
