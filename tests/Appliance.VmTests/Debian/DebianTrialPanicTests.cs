using Appliance.Vm;

namespace Appliance.VmTests.Debian;

/// <summary>
/// Issue 11, scenario 4: a trial that panics, on stock Debian 12 with <c>crashkernel=</c> set the
/// Debian way (<c>/etc/default/grub.d/</c> + update-grub). The validator arms kexec with the
/// known-good kernel before the checks run; a check panics the trial; the known-good kernel
/// starts in the crash reservation without a firmware pass, saves the panic log from
/// /proc/vmcore, rejects the trial and (issue 16, [Boot] RescueByKexec on by default) kexecs into
/// known-good with the whole machine's memory, again without a firmware pass; status names the panic.
/// </summary>
public sealed class DebianTrialPanicTests(ITestOutputHelper output)
{
    [Fact(Timeout = DebianGuest.ScenarioTimeoutMs)]
    [Trait("Board", DebianBoard.BoardName)]
    public async Task TrialPanics_KexecRescueIntoKnownGood_ForensicsAndStatusNamesThePanic()
    {
        await using var guest = await DebianGuest.StartPreparedAsync("debian-panic", output.WriteLine);
        var board = guest.Board;
        await guest.WriteFileAsync("/etc/default/grub.d/50-crashkernel.cfg", "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX crashkernel=256M\"\n");
        await guest.RunAsync("update-grub");
        await guest.WriteFileAsync("/etc/appliance/checks.d/required.d/50-panic", $"""
            #!/bin/sh
            # The new kernel crashes under the application's load.
            if [ "$(uname -r)" = "{DebianGuest.New}" ]; then echo c > /proc/sysrq-trigger; fi
            exit 0

            """, "0755");
        var trial = await guest.EntryPathAsync(DebianGuest.New);

        // Firmware passes: the first power-on and the staging reboot; the panic and the way back
        // to known-good cost none. The rescue kernel is the known-good kernel too and may reach
        // multi-user.target before its validator leaves: the wait skips its boot.
        await guest.StageExpectingRollbackAsync(trial, TimeSpan.FromMinutes(10), minFirmwarePass: 2);
        Assert.DoesNotContain("appliance.rescue=1", await guest.RunAsync("cat /proc/cmdline"), StringComparison.Ordinal);
        Assert.True(board.Count("Kernel panic - not syncing: sysrq triggered crash") == 1, "the trial should panic once");
        Assert.True(board.Count("appliance.rescue=1") >= 1,
            "the known-good kernel should have started as the rescue kernel");
        // Initial boot and the staging reboot: the panic and the rescue's way out cost no firmware pass.
        Assert.Equal(2, guest.FirmwarePasses);
        var memory = await guest.RunAsync("grep MemTotal /proc/meminfo");
        Assert.True(long.Parse(memory.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) > 768 * 1024,
            $"known-good entered from the rescue should have the whole machine's memory: {memory}");

        await guest.WaitValidatedAsync();
        var status = await guest.StatusAsync();
        Assert.Contains("sysrq triggered crash", status.GetProperty("rollback").GetString(), StringComparison.Ordinal);
        Assert.Contains(status.GetProperty("boots").EnumerateArray(), b => b.GetProperty("message").GetString()?.Contains("left the rescue by soft kexec into", StringComparison.Ordinal) == true);
    }
}
