using Appliance.Vm;

namespace Appliance.VmTests.Uefi;

/// <summary>Issue 15: a power cut while the trial's validator commits to a grubenv on the FAT ESP (Fedora's layout): both tools parse it the same afterwards and the machine ends committed.</summary>
public sealed class UefiEspPowerCutInCommitTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.UefiEspPowerCutInCommit)]
    public async Task UefiPowerCut_WhileValidatorCommitsToEspGrubenv_BothToolsAgreeAndMachineEndsCommitted()
    {
        await using var board = Boards.CreateUefi(BoardScenarios.UefiEspPowerCutInCommit, output);

        var result = await BoardScenarios.EspPowerCutInCommitAsync(board, output.WriteLine);

        // FAT has no journal: the ext4-only outcome cannot occur (the scenario checks that too).
        Assert.Contains(result.Observed["outcome"], new[] { "trial-again-then-committed", "committed-before-cut" });
        Assert.Equal(2, result.Boots);
    }
}
