using Appliance.Vm;

namespace Appliance.VmTests;

public sealed class WatchdogResetTests(ITestOutputHelper output)
{
    /// <summary>WDIOF_CARDRESET (include/uapi/linux/watchdog.h), set by i6300esb_init on a reset it caused.</summary>
    private const string CardReset = "32";

    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.WatchdogReset)]
    public async Task I6300esbWatchdog_GuestStopsPetting_ResetsAndNextBootReportsCardReset()
    {
        await using var board = Boards.Create(BoardScenarios.WatchdogReset, output);

        var result = await BoardScenarios.WatchdogResetReportedAsync(board, output.WriteLine);

        Assert.Equal("0", result.Observed["bootstatus_before"]);
        Assert.Equal(CardReset, result.Observed["bootstatus_after"]);
        Assert.Equal(2, result.Boots);
    }
}
