using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 4: a trial whose required check fails is rejected and rolled back; status explains it. Real GRUB, real grub/appliance.cfg, real agent (tools/vm).</summary>
public sealed class TrialChecksFailTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.TrialChecksFail)]
    public async Task TrialWithFailingCheck_Validated_RejectedAndStatusExplainsWithCheckOutput()
    {
        await using var board = Boards.Create(BoardScenarios.TrialChecksFail, output);

        var result = await BoardScenarios.TrialFailingChecksRolledBackAsync(board, output.WriteLine);

        Assert.Contains("app did not answer", result.Observed["rollback"]);
        Assert.Equal("1", result.Observed["trial_boots"]);
        Assert.Equal(2, result.Boots);
    }
}
