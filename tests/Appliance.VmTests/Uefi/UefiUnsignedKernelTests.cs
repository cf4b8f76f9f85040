using Appliance.Vm;

namespace Appliance.VmTests.Uefi;

/// <summary>Secure Boot is enforced on the UEFI board: a trial whose kernel lost its signature is refused by shim and GRUB falls back to known-good at once.</summary>
public sealed class UefiUnsignedKernelTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.UefiUnsignedKernel)]
    public async Task UefiUnsignedTrialKernel_SecureBootOn_ShimRefusesAndGrubFallsBackToKnownGood()
    {
        await using var board = Boards.CreateUefi(BoardScenarios.UefiUnsignedKernel, output);

        var result = await BoardScenarios.UnsignedKernelRefusedAsync(board, output.WriteLine);

        Assert.Contains("signature", result.Observed["refusal"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(BoardScenarios.Good, result.Observed["first_boot_entry"]);
        Assert.Equal(1, result.Boots);
    }
}
