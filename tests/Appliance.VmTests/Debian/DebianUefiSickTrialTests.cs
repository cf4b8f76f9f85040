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
        var board = guest.Board;
        var first = board.LastUp!;
        var good = await guest.EntryPathAsync(DebianGuest.Old);
        var trial = await guest.EntryPathAsync(DebianGuest.New);
        await guest.WriteFileAsync("/etc/appliance/checks.d/required.d/50-app", $"""
            #!/bin/sh
            # The application does not come up on the new kernel.
            if [ "$(uname -r)" = "{DebianGuest.New}" ]; then echo "app did not answer on $(uname -r)"; exit 1; fi
            exit 0

            """, "0755");

        await guest.StageExpectingRollbackAsync(trial, TimeSpan.FromMinutes(8));
        Assert.NotEqual(first.BootId, board.LastUp!.BootId);
        Assert.Equal(2, guest.FirmwarePasses);
        Assert.Contains("SecureBoot enabled", await guest.RunAsync("mokutil --sb-state"), StringComparison.Ordinal);

        await guest.WaitValidatedAsync();
        var status = await guest.StatusAsync();
        Assert.Equal("rolled-back", status.GetProperty("last_trial").GetProperty("result").GetString());
        Assert.Contains("app did not answer on " + DebianGuest.New, status.GetProperty("rollback").GetString(), StringComparison.Ordinal);
        Assert.Equal(good, status.GetProperty("known_good").GetString());
        Assert.Contains(status.GetProperty("boots").EnumerateArray(), b => b.GetProperty("message").GetString()?.Contains("by kexec, without a firmware pass", StringComparison.Ordinal) == true);
    }
}
