using Appliance.Vm;

namespace Appliance.VmTests.Uefi;

/// <summary>Issue 15 (b): issue 4's healthy-trial scenario on the UEFI + Secure Boot board (signed GRUB's load_env/save_env on the ext4 /boot).</summary>
public sealed class UefiTrialCommitTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.TrialCommit)]
    public async Task UefiHealthyTrial_StagedByOperatorWithSecureBoot_CommittedAndBootsAsDefault()
    {
        await using var board = Boards.CreateUefi(BoardScenarios.TrialCommit, output);

        var result = await BoardScenarios.HealthyTrialCommittedAsync(board, output.WriteLine);

        Assert.Equal("trial", result.Observed["known_good"]);
        Assert.Equal("trial", result.Observed["saved_entry"]);
        Assert.Equal("trial", result.Observed["third_boot_entry"]);
        Assert.Equal(3, result.Boots);
    }
}
