using Appliance.Vm;

namespace Appliance.VmTests.Uefi;

/// <summary>Issue 15 (a): the UEFI board boots OVMF -> shim -> signed GRUB -> signed Debian kernel with Secure Boot on, and the guest sees it.</summary>
public sealed class UefiSecureBootTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.UefiSecureBoot)]
    public async Task UefiBoard_SecureBootOn_GuestReadsSecureBootVariableOneAndKernelLockedDown()
    {
        await using var board = Boards.CreateUefi(BoardScenarios.UefiSecureBoot, output);

        var result = await BoardScenarios.SecureBootProvenAsync(board, output.WriteLine);

        Assert.Equal("1", result.Observed["secureboot"]);
        Assert.Contains(result.Observed["lockdown"], new[] { "integrity", "confidentiality" });
        Assert.Matches("^[0-9A-F]{4}$", result.Observed["boot_current"]);
        Assert.Contains(result.Observed["boot_current"], result.Observed["boot_order"].Split(','));
        Assert.Equal(1, result.Boots);
    }
}
