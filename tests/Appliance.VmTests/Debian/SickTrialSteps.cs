using System.Text.Json;
using Appliance.Vm;

namespace Appliance.VmTests.Debian;

/// <summary>
/// The sick-trial scenario's steps, one home for both Debian boards (BIOS and UEFI with Secure
/// Boot): a required check that fails on the new kernel only, the README's stage, and what must
/// hold once known-good is back by kexec.
/// </summary>
internal static class SickTrialSteps
{
    /// <summary>Stages the new kernel with a failing required check, waits for known-good, asserts the kexec back, and returns status --json.</summary>
    public static async Task<JsonElement> RejectedByKexecAsync(DebianGuest guest)
    {
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
        // Power-on and the staging reboot; none between the rejection and known-good.
        Assert.Equal(2, guest.FirmwarePasses);

        await guest.WaitValidatedAsync();
        var status = await guest.StatusAsync();
        Assert.Equal("rolled-back", status.GetProperty("last_trial").GetProperty("result").GetString());
        Assert.Contains("app did not answer on " + DebianGuest.New, status.GetProperty("rollback").GetString(), StringComparison.Ordinal);
        Assert.Equal(good, status.GetProperty("known_good").GetString());
        Assert.Contains(status.GetProperty("boots").EnumerateArray(), b => b.GetProperty("message").GetString()?.Contains("by kexec, without a firmware pass", StringComparison.Ordinal) == true);
        return status;
    }
}
