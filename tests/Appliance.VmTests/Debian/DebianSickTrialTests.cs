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

        await SickTrialSteps.RejectedByKexecAsync(guest);

        var text = await guest.RunAsync("appliance status");
        Assert.Contains("app did not answer", text, StringComparison.Ordinal);
    }
}
