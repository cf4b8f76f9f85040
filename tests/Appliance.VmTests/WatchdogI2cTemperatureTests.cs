using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 12: an LM75 on i2c-stub is a health input for the validator's check and the watchdog daemon.</summary>
public sealed class WatchdogI2cTemperatureTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.WatchdogI2cTemperature)]
    public async Task WatchdogDaemon_SensorOverTheLimit_StopsPettingAndTheMachineResets()
    {
        await using var board = Boards.Create(BoardScenarios.WatchdogI2cTemperature, output);

        var result = await BoardScenarios.RunAsync(BoardScenarios.WatchdogI2cTemperature, board, output.WriteLine);

        Assert.Contains("MaxCelsius=70", result.Observed["last_stop"], StringComparison.Ordinal);
    }
}
