using Appliance.Vm;

namespace Appliance.VmTests.Debian;

/// <summary>
/// Issue 15: on the UEFI + Secure Boot Debian 12 board a trial whose required check fails is
/// rejected and status says why. Issue 16: the rejection is written to grubenv, then
/// known-good's signed kernel is kexec'd under lockdown (kexec_file_load checks its signature)
/// with no firmware pass: two OVMF passes in all (power-on and the staging reboot).
/// </summary>
public sealed class DebianUefiSickTrialTests(ITestOutputHelper output)
{
    [Fact(Timeout = DebianGuest.ScenarioTimeoutMs)]
    [Trait("Board", DebianBoard.UefiBoardName)]
    public async Task SecureBootOn_RequiredCheckFails_KexecIntoSignedKnownGoodWithoutFirmwarePass()
    {
        await using var guest = await DebianGuest.StartPreparedAsync("debian-uefi-sick", output.WriteLine, uefi: true);

        await SickTrialSteps.RejectedByKexecAsync(guest);
        Assert.Contains("SecureBoot enabled", await guest.RunAsync("mokutil --sb-state"), StringComparison.Ordinal);
    }
}
