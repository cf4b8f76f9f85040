using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 16: a hang that stops the daemon becomes a panic (watchdog pretimeout, panic governor) and takes the kexec path to known-good, not the hardware reset.</summary>
public sealed class WatchdogPretimeoutRescueTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.WatchdogPretimeoutRescue)]
    public async Task WatchdogPretimeout_TrialDaemonStopped_PretimeoutPanicsIntoRescueAndKnownGoodNamesIt()
    {
        await using var board = Boards.Create(BoardScenarios.WatchdogPretimeoutRescue, output);

        var result = await BoardScenarios.RunAsync(BoardScenarios.WatchdogPretimeoutRescue, board, output.WriteLine);

        Assert.Equal("55", result.Observed["pretimeout"]);
        Assert.Contains(BoardScenarios.PretimeoutPanic, result.Observed["panic"]);
        Assert.Contains("watchdog pretimeout event", result.Observed["rollback"]);
        // One firmware pass in all: the hang, the panic, the rescue and known-good share it.
        Assert.Equal(1, result.Boots);
        Assert.Equal("0", result.Observed["firmware_passes"]);
    }
}
