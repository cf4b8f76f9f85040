using Appliance.Vm;

namespace Appliance.VmTests;

public sealed class BootCounterTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.BootCounter)]
    public async Task GrubTryCounter_TrialNeverValidated_CountsDownThenBootsKnownGood()
    {
        await using var board = Boards.Create(BoardScenarios.BootCounter, output);

        var result = await BoardScenarios.BootCounterDecrementsAsync(board, output.WriteLine);

        Assert.Equal("3,2,1,0", result.Observed["tries_sequence"]);
        Assert.Equal(BoardScenarios.Good, result.Observed["final_entry"]);
        Assert.Equal(4, result.Boots);
    }
}
