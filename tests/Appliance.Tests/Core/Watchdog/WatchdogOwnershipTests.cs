using Appliance.Core.Watchdog;

namespace Appliance.Tests.Core.Watchdog;

public sealed class WatchdogOwnershipTests
{
    private static readonly SystemdRuntimeWatchdog On = SystemdRuntimeWatchdog.Parse("30s", "/etc/systemd/system.conf:2")!;

    [Fact]
    public void Decide_RuntimeWatchdogSecUnderSystemd_SystemdOwns()
    {
        var o = WatchdogOwnership.Decide(On, systemdIsPid1: true, []);

        Assert.True(o.SystemdOwns);
        Assert.Equal("RuntimeWatchdogSec=30s (/etc/systemd/system.conf:2)", o.Reason);
    }

    [Fact]
    public void Decide_RuntimeWatchdogSecButSystemdNotPid1_ApplianceOwns() =>
        Assert.False(WatchdogOwnership.Decide(On, systemdIsPid1: false, []).SystemdOwns);

    [Fact]
    public void Decide_Off_ApplianceOwns() =>
        Assert.Equal(WatchdogOwnership.Appliance, WatchdogOwnership.Decide(SystemdRuntimeWatchdog.Off, systemdIsPid1: true, ["/dev/null", "socket:[1234]", "/dev/kmsg"]));

    [Fact]
    public void Decide_Pid1HoldsTheLegacyNode_SystemdOwnsWatchdog0()
    {
        var o = WatchdogOwnership.Decide(SystemdRuntimeWatchdog.Off, systemdIsPid1: true, ["/dev/null", "/dev/watchdog"]);

        Assert.True(o.SystemdOwns);
        Assert.Equal(["/dev/watchdog0"], o.HeldDevices);
        Assert.True(o.Holds("/dev/watchdog"));
        Assert.True(o.Holds("/dev/watchdog0"));
        Assert.False(o.Holds("/dev/watchdog1"));
        Assert.Equal("PID 1 has /dev/watchdog0 open", o.Reason);
    }

    [Fact]
    public void Decide_ConfigAndOpenDevice_BothNamedAsEvidence()
    {
        var o = WatchdogOwnership.Decide(On, systemdIsPid1: true, ["/dev/watchdog1"]);

        Assert.Equal("RuntimeWatchdogSec=30s (/etc/systemd/system.conf:2); PID 1 has /dev/watchdog1 open", o.Reason);
        Assert.True(o.Holds("/dev/watchdog1"));
        Assert.False(o.Holds("/dev/watchdog2"));
    }

    [Fact]
    public void Decide_ConfiguredButNotYetOpen_ItsDeviceIsLeftToSystemd()
    {
        var o = WatchdogOwnership.Decide(On, systemdIsPid1: true, []);

        Assert.True(o.Holds("/dev/watchdog"));
        Assert.False(o.Holds("/dev/watchdog1"));
        Assert.Equal("RuntimeWatchdogSec=30s (/etc/systemd/system.conf:2)", o.Reason);
    }

    [Fact]
    public void Decide_ConfiguredWithWatchdogDevice_LeavesThatDevice()
    {
        var config = SystemdRuntimeWatchdog.Read([("/etc/systemd/system.conf", "[Manager]\nRuntimeWatchdogSec=30s\nWatchdogDevice=/dev/watchdog1\n")], null);

        var o = WatchdogOwnership.Decide(config, systemdIsPid1: true, []);

        Assert.True(o.Holds("/dev/watchdog1"));
        Assert.False(o.Holds("/dev/watchdog0"));
    }

    [Theory]
    [InlineData("/dev/watchdogs")]
    [InlineData("/dev/watchdog0x")]
    [InlineData("/dev/watchdog-legacy")]
    public void Decide_NotAWatchdogNode_Ignored(string target) =>
        Assert.False(WatchdogOwnership.Decide(SystemdRuntimeWatchdog.Off, systemdIsPid1: true, [target]).SystemdOwns);

    [Fact]
    public void StartSentence_WithServiceWatchdog_SaysItGatesSystemd()
    {
        var o = WatchdogOwnership.Decide(On, systemdIsPid1: true, ["/dev/watchdog0"]);

        string s = o.StartSentence(TimeSpan.FromSeconds(30));

        Assert.StartsWith("systemd holds the hardware watchdog (RuntimeWatchdogSec=30s (/etc/systemd/system.conf:2); PID 1 has /dev/watchdog0 open), so Appliance leaves the device to it and gates systemd's service watchdog instead", s, StringComparison.Ordinal);
        Assert.Contains("WatchdogSec= (30 s) fires", s, StringComparison.Ordinal);
    }

    [Fact]
    public void StartSentence_WithoutServiceWatchdog_SaysNothingResetsTheMachine() =>
        Assert.Contains("nothing resets the machine when the checks fail", WatchdogOwnership.Decide(On, true, []).StartSentence(null), StringComparison.Ordinal);
}
