using System.Diagnostics;
using Appliance.Vm;

namespace Appliance.VmTests.Debian;

/// <summary>
/// Issue 11, scenario 6: the trial's kernel file is removed after staging. Known-good sits in
/// Debian's "Advanced options" submenu, where GRUB 2.06's fallback (a top-level index) cannot
/// reach; GRUB falls back to Appliance's own entry, which boots known-good. Bound: one firmware
/// pass, and known-good up within 4 minutes of the reboot (measured about 1.5 minutes).
/// </summary>
public sealed class DebianTrialKernelMissingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);

    [Fact(Timeout = DebianGuest.ScenarioTimeoutMs)]
    [Trait("Board", DebianBoard.BoardName)]
    public async Task TrialKernelRemovedAfterStaging_KnownGoodInSubmenu_ReachedWithinBoundOnOneFirmwarePass()
    {
        var prepared = await DebianStages.PreparedAsync(output.WriteLine);
        await using var board = DebianBoard.Create("debian-kernel-missing", onLine: line => output.WriteLine(line.ToString()), backing: prepared);
        var guest = new DebianGuest(board, output.WriteLine);
        board.Start();
        var first = await board.WaitForUpAsync();
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
