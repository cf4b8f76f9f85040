using Appliance.Vm;

namespace Appliance.VmTests.Debian;

/// <summary>
/// Issue 11, scenario 2: the README's upgrade procedure on stock Debian 12. appliance entries,
/// upgrade stage of the new kernel's version-specific entry with --tries 3 --reboot; the trial
/// boots; appliance-validate.service commits it before boot-complete.target; upgrade status
/// says committed; plain boots stay on it; a third kernel installed later by apt does not
/// change the default.
/// </summary>
public sealed class DebianUpgradeProcedureTests(ITestOutputHelper output)
{
    [Fact(Timeout = DebianGuest.ScenarioTimeoutMs)]
    [Trait("Board", DebianBoard.BoardName)]
    public async Task ReadmeProcedure_HealthyNewKernel_CommittedBeforeBootCompleteAndStaysDefault()
    {
        await using var guest = await DebianGuest.StartPreparedAsync("debian-readme", output.WriteLine);
        var board = guest.Board;

        await guest.RunAsync("appliance entries");
        var trial = await guest.EntryPathAsync(DebianGuest.New);
        var up = await guest.RebootIntoAsync($"appliance upgrade stage '{trial}' --tries 3 --reboot", DebianGuest.New, TimeSpan.FromMinutes(5));
        Assert.Equal(DebianGuest.New, (await guest.RunAsync("uname -r")).Trim());

        Assert.Equal("active", await guest.WaitValidatedAsync());
        Assert.Equal("active", (await guest.RunAsync("systemctl is-active boot-complete.target")).Trim());
        var status = await guest.StatusAsync();
        Assert.Equal("committed", status.GetProperty("last_trial").GetProperty("result").GetString());
        Assert.Equal(trial, status.GetProperty("known_good").GetString());
        Assert.Equal(trial, status.GetProperty("running_entry").GetString());
        var env = await guest.GrubEnvAsync();
        Assert.Equal(trial, DebianGuest.Get(env, "appliance_good"));
        Assert.Equal(trial, DebianGuest.Get(env, "saved_entry"));
        Assert.Equal("", DebianGuest.Get(env, "appliance_trial"));

        var plain = await board.RebootAsync();
        Assert.Equal(DebianGuest.New, plain.KernelRelease);

        await guest.RunAsync(DebianStages.AptInstallKernel(DebianGuest.Third), TimeSpan.FromMinutes(20));
        var later = await board.RebootAsync();
        guest.Say($"after apt install of {DebianGuest.Third}: {later.KernelRelease}");
        Assert.Equal(DebianGuest.New, later.KernelRelease);
        Assert.Equal(trial, DebianGuest.Get(await guest.GrubEnvAsync(), "appliance_good"));
    }
}
