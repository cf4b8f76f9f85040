using Appliance.Vm;

namespace Appliance.VmTests.Debian;

/// <summary>
/// Issue 11, scenario 3: a trial whose required check fails is rejected; the machine is back on
/// known-good and status says why. Issue 16: with [Boot] RejectByKexec on (the .deb's default)
/// the validator's `systemctl kexec` takes it there with no firmware pass after the staging
/// reboot: two firmware passes in all (power-on and the staging reboot) instead of three.
/// </summary>
public sealed class DebianSickTrialTests(ITestOutputHelper output)
{
    [Fact(Timeout = DebianGuest.ScenarioTimeoutMs)]
    [Trait("Board", DebianBoard.BoardName)]
    public async Task SickTrial_RequiredCheckFails_KexecBackToKnownGoodWithoutFirmwarePassStatusSaysWhy()
    {
        await using var guest = await DebianGuest.StartPreparedAsync("debian-sick", output.WriteLine);
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

        await guest.WaitValidatedAsync();
        var status = await guest.StatusAsync();
        Assert.Equal("rolled-back", status.GetProperty("last_trial").GetProperty("result").GetString());
        Assert.Contains("app did not answer on " + DebianGuest.New, status.GetProperty("rollback").GetString(), StringComparison.Ordinal);
        Assert.Equal(good, status.GetProperty("known_good").GetString());
        Assert.Contains(status.GetProperty("boots").EnumerateArray(), b => b.GetProperty("message").GetString()?.Contains("by kexec, without a firmware pass", StringComparison.Ordinal) == true);
        var text = await guest.RunAsync("appliance status");
        Assert.Contains("app did not answer", text, StringComparison.Ordinal);
    }
}
