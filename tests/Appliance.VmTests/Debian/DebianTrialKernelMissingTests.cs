using System.Diagnostics;
using Appliance.Vm;

namespace Appliance.VmTests.Debian;

/// <summary>
/// Issue 11, scenario 6: the trial's kernel file is removed after staging. Known-good sits in
/// Debian's "Advanced options" submenu, where GRUB 2.06's fallback (a top-level index) cannot
/// reach; GRUB falls back to Appliance's own entry, which boots known-good. Bound: one firmware
/// pass, and known-good up within 5 minutes of the reboot (measured 3 minutes with two other
/// boards running on the 2-core host).
/// </summary>
public sealed class DebianTrialKernelMissingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(5);

    [Fact(Timeout = DebianGuest.ScenarioTimeoutMs)]
    [Trait("Board", DebianBoard.BoardName)]
    public async Task TrialKernelRemovedAfterStaging_KnownGoodInSubmenu_ReachedWithinBoundOnOneFirmwarePass()
    {
        await using var guest = await DebianGuest.StartPreparedAsync("debian-kernel-missing", output.WriteLine);
        var board = guest.Board;
        var first = board.LastUp!;
        var good = await guest.EntryPathAsync(DebianGuest.Old);
        var trial = await guest.EntryPathAsync(DebianGuest.New);
        await guest.RunAsync($"appliance upgrade stage '{trial}' --tries 3");
        await guest.RunAsync($"rm /boot/vmlinuz-{DebianGuest.New} && sync");

        var clock = Stopwatch.StartNew();
        var back = await guest.RebootIntoAsync("systemctl --no-block reboot", DebianGuest.Old, Bound);
        guest.Say($"known-good up {clock.Elapsed.TotalSeconds:F1} s after the reboot");
        Assert.True(clock.Elapsed < Bound, $"known-good took {clock.Elapsed.TotalSeconds:F0} s");
        Assert.NotEqual(first.BootId, back.BootId);
        Assert.Equal(2, guest.FirmwarePasses);
        Assert.True(board.Count("Falling back to `Appliance: known-good kernel") == 1, "GRUB should fall back to Appliance's entry once");

        await guest.WaitValidatedAsync();
        var status = await guest.StatusAsync();
        Assert.Equal("rolled-back", status.GetProperty("last_trial").GetProperty("result").GetString());
        Assert.Contains("failed to load", status.GetProperty("rollback").GetString(), StringComparison.Ordinal);
        Assert.Equal(good, status.GetProperty("running_entry").GetString());
        var env = await guest.GrubEnvAsync();
        Assert.Equal("", DebianGuest.Get(env, "appliance_trial"));
        Assert.Equal(trial, DebianGuest.Get(env, "appliance_failed"));
    }
}
