using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 5: the agent's watchdog daemon keeps the board alive on the i6300esb and softdog (tools/vm init.sh watchdog_scenario).</summary>
public sealed class WatchdogDaemonPetsTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.WatchdogDaemonPets)]
    public async Task WatchdogDaemon_PetsI6300esbAndSoftdogFor30s_NoResetTimeoutsReadBackAndSigtermDisarms()
    {
        await using var board = Boards.Create(BoardScenarios.WatchdogDaemonPets, output);

        var result = await BoardScenarios.RunAsync(BoardScenarios.WatchdogDaemonPets, board, output.WriteLine);

        Assert.Equal(1, result.Boots);
        Assert.True(long.Parse(result.Observed["pets"], System.Globalization.CultureInfo.InvariantCulture) >= 25);
    }
}
