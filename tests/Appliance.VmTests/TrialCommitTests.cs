using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 4: a healthy trial staged by the operator on the board is committed and becomes the default. Real GRUB, real grub/appliance.cfg, real agent (tools/vm).</summary>
public sealed class TrialCommitTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.TrialCommit)]
    public async Task HealthyTrial_StagedByOperatorOnTheBoard_CommittedAndBootsAsDefault()
    {
        await using var board = Boards.Create(BoardScenarios.TrialCommit, output);

        var result = await BoardScenarios.HealthyTrialCommittedAsync(board, output.WriteLine);

        Assert.Equal("trial", result.Observed["known_good"]);
        Assert.Equal("trial", result.Observed["saved_entry"]);
        Assert.Equal("trial", result.Observed["third_boot_entry"]);
        Assert.Equal(3, result.Boots);
    }
}
