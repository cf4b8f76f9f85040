using Appliance.Vm;

namespace Appliance.VmTests;

public sealed class NextEntryTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.NextEntryOnce)]
    public async Task NextEntry_HostStagedForOneBoot_BootsTrialOnceThenDefault()
    {
        await using var board = Boards.Create(BoardScenarios.NextEntryOnce, output);

        var result = await BoardScenarios.NextEntryHonouredOnceAsync(board, output.WriteLine);

        Assert.Equal("trial", result.Observed["first_entry"]);
        Assert.Equal(string.Empty, result.Observed["next_entry_after_first_boot"]);
        Assert.Equal("good", result.Observed["second_entry"]);
        Assert.Equal(2, result.Boots);
    }
}
