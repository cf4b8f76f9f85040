using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 4: a kernel that dies before userspace is booted exactly as many times as it has tries. Real GRUB, real grub/appliance.cfg, real agent (tools/vm).</summary>
public sealed class TrialNoInitTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.TrialNoInit)]
    public async Task TrialDyingBeforeUserspace_TwoTries_GrubBootsItTwiceThenKnownGood()
    {
        await using var board = Boards.Create(BoardScenarios.TrialNoInit, output);

        var result = await BoardScenarios.TrialDyingBeforeUserspaceAsync(board, output.WriteLine);

        Assert.Equal("2", result.Observed["trial_boots"]);
        Assert.Contains("used all its tries", result.Observed["rollback"]);
        Assert.Equal(3, result.Boots);
    }
}
