using Appliance.Vm;

namespace Appliance.VmTests.Uefi;

/// <summary>Issue 15 (c): issue 4's failing-check scenario on the UEFI + Secure Boot board: rejected, and GRUB boots known-good on the next firmware pass.</summary>
public sealed class UefiTrialChecksFailTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.TrialChecksFail)]
    public async Task UefiTrialWithFailingCheck_ValidatedWithSecureBoot_RejectedAndGrubBootsKnownGood()
    {
        await using var board = Boards.CreateUefi(BoardScenarios.TrialChecksFail, output);

        var result = await BoardScenarios.TrialFailingChecksRolledBackAsync(board, output.WriteLine);

        Assert.Contains("app did not answer", result.Observed["rollback"]);
        Assert.Equal("1", result.Observed["trial_boots"]);
        Assert.Equal(2, result.Boots);
    }
}
