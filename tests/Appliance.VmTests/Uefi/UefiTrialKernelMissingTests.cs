using Appliance.Vm;

namespace Appliance.VmTests.Uefi;

/// <summary>Issue 15: issue 4's trial-kernel-missing on the Secure Boot board: signed GRUB's `linux` fails on the missing file and falls back to Appliance's known-good entry on the first firmware pass.</summary>
public sealed class UefiTrialKernelMissingTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.TrialKernelMissing)]
    public async Task UefiTrialKernelMissing_FirstBoot_GrubFallsBackAndValidatorEndsTrial()
    {
        await using var board = Boards.CreateUefi(BoardScenarios.TrialKernelMissing, output);

        var result = await BoardScenarios.TrialKernelMissingFallsBackAsync(board, output.WriteLine);

        Assert.Equal("good", result.Observed["first_boot_entry"]);
        Assert.Equal("fell-back", result.Observed["validator_path"]);
        Assert.Equal("normal", result.Observed["next_boot_path"]);
        Assert.Equal(2, result.Boots);
    }
}
