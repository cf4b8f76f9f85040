using Appliance.Vm;

namespace Appliance.VmTests;

public sealed class BootCounterTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.BootCounter)]
    public async Task GrubBootCounter_EachBoot_DecrementsAndHostToolsAgree()
    {
        await using var board = Boards.Create(BoardScenarios.BootCounter, output);

        var result = await BoardScenarios.BootCounterDecrementsAsync(board, output.WriteLine);

        Assert.Equal("3,2,1,0", result.Observed["boot_counter_sequence"]);
        Assert.Equal(4, result.Boots);
    }
}
