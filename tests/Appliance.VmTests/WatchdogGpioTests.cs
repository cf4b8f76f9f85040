using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 5: the GPIO watchdog output on a gpio-sim chip (tools/vm/gpio-sim) toggles.</summary>
public sealed class WatchdogGpioTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.WatchdogGpio)]
    public async Task WatchdogDaemon_GpioSimLineConfigured_LineToggles()
    {
        await using var board = Boards.Create(BoardScenarios.WatchdogGpio, output);

        var result = await BoardScenarios.RunAsync(BoardScenarios.WatchdogGpio, board, output.WriteLine);

        Assert.Contains("0", result.Observed["values"]);
        Assert.Contains("1", result.Observed["values"]);
    }
}
