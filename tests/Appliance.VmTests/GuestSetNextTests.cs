using Appliance.Vm;

namespace Appliance.VmTests;

public sealed class GuestSetNextTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.GuestSetNext)]
    public async Task ApplianceEnvSet_InGuest_SelectsNextBoot()
    {
        await using var board = Boards.Create(BoardScenarios.GuestSetNext, output);

        var result = await BoardScenarios.GuestSetsNextEntryAsync(board, output.WriteLine);

        Assert.Equal("trial", result.Observed["next_boot_entry"]);
        Assert.Equal(2, result.Boots);
    }
}
