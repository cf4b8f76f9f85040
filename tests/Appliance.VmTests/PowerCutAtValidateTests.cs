using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 4: a power cut as the trial's validator starts leaves grubenv intact; the trial commits on its next try. Real GRUB, real grub/appliance.cfg, real agent (tools/vm).</summary>
public sealed class PowerCutAtValidateTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.PowerCutAtValidate)]
    public async Task PowerCut_AsTrialValidatorStarts_GrubenvIntactAndTrialCommitsNextBoot()
    {
        await using var board = Boards.Create(BoardScenarios.PowerCutAtValidate, output);

        var result = await BoardScenarios.PowerCutDuringValidationAsync(board, output.WriteLine, BoardScenarios.PowerCutAtValidate, afterChecks: false);

        // Nothing was written yet: GRUB's spent try is all there is, and the trial gets another.
        Assert.Equal("trial-pending", result.Observed["after_cut"]);
        Assert.Equal("trial-again-then-committed", result.Observed["outcome"]);
        Assert.Equal(2, result.Boots);
    }
}
