using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 4: a power cut while the trial's validator commits leaves grubenv intact and the machine committed. Real GRUB, real grub/appliance.cfg, real agent (tools/vm).</summary>
public sealed class PowerCutInCommitTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.PowerCutInCommit)]
    public async Task PowerCut_WhileTrialValidatorCommits_GrubenvIntactAndMachineEndsCommitted()
    {
        await using var board = Boards.Create(BoardScenarios.PowerCutInCommit, output);

        var result = await BoardScenarios.PowerCutDuringValidationAsync(board, output.WriteLine, BoardScenarios.PowerCutInCommit, afterChecks: true);

        // Where exactly the cut lands varies; each of these ends committed (the scenario checks that).
        Assert.Contains(result.Observed["outcome"], new[] { "trial-again-then-committed", "committed-before-cut", "committed-in-ext4-journal-only" });
        Assert.Equal(2, result.Boots);
    }
}
