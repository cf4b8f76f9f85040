using Appliance.Vm;

namespace Appliance.VmTests.Debian;

/// <summary>
/// Issue 11, scenario 1, on the stock Debian 12 board: our .deb installed by dpkg on a machine
/// with one kernel pins the running kernel as known-good by its version-specific entry; a newer
/// kernel installed by apt (whose postinst runs update-grub and becomes GRUB's own default) does
/// not boot next: the known-good kernel does.
/// </summary>
public sealed class DebianInstallTests(ITestOutputHelper output)
{
    [Fact(Timeout = DebianGuest.ScenarioTimeoutMs)]
    [Trait("Board", DebianBoard.BoardName)]
    public async Task DebInstall_OneKernel_PinsRunningVersionedEntryAndNewerAptKernelDoesNotBootNext()
    {
        await using var board = DebianGuest.Create("debian-install", output);
        var guest = new DebianGuest(board, output);
        board.Start();
        var up = await board.WaitForUpAsync();
        Assert.Equal(DebianGuest.Old, up.KernelRelease);

        await board.InstallApplianceAsync();
        var oldEntry = await guest.EntryPathAsync(DebianGuest.Old);
        var env = await guest.GrubEnvAsync();
        Assert.Equal(oldEntry, DebianGuest.Get(env, "appliance_good"));
        Assert.DoesNotContain("gnulinux-simple", DebianGuest.Get(env, "appliance_good"), StringComparison.Ordinal);
        Assert.Equal(oldEntry, (await guest.StatusAsync()).GetProperty("known_good").GetString());

        await guest.RunAsync(DebianStages.AptInstallKernel(DebianGuest.New), TimeSpan.FromMinutes(20));
        var grubCfg = await guest.RunAsync("cat /boot/grub/grub.cfg");
        Assert.Contains($"vmlinuz-{DebianGuest.New}", grubCfg, StringComparison.Ordinal);
        // What GRUB would boot by itself now: the top-level entry, which update-grub moved to the newest kernel.
        var simpleKernel = await guest.RunAsync("appliance entries --json | grep -o '\"path\":\"gnulinux-simple-[^\"]*\",[^}]*\"kernel\":\"[^\"]*\"' | head -n 1");
        Assert.Contains($"vmlinuz-{DebianGuest.New}", simpleKernel, StringComparison.Ordinal);

        var next = await board.RebootAsync();
        guest.Say($"after apt install of {DebianGuest.New} and a plain reboot: {next.KernelRelease}");
        Assert.Equal(DebianGuest.Old, next.KernelRelease);
        Assert.Equal("active", await guest.WaitValidatedAsync());
        Assert.Equal(oldEntry, DebianGuest.Get(await guest.GrubEnvAsync(), "appliance_good"));
    }
}
