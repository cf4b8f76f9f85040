using Appliance.Core.Watchdog;

namespace Appliance.Tests.Core.Watchdog;

public sealed class SystemdWatchdogTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        key => vars.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void FromEnvironment_UsecWithOurPid_GivesTimeout()
    {
        var s = SystemdWatchdog.FromEnvironment(Env(("NOTIFY_SOCKET", "/run/systemd/notify"), ("WATCHDOG_USEC", "30000000"), ("WATCHDOG_PID", "42")), 42);

        Assert.Equal("/run/systemd/notify", s.NotifySocket);
        Assert.Equal(TimeSpan.FromSeconds(30), s.WatchdogTimeout);
    }

    [Fact]
    public void FromEnvironment_PidOfAnotherProcess_IgnoresTheWatchdog()
    {
        var s = SystemdWatchdog.FromEnvironment(Env(("WATCHDOG_USEC", "30000000"), ("WATCHDOG_PID", "41")), 42);

        Assert.Null(s.WatchdogTimeout);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("abc")]
    public void FromEnvironment_BadUsec_NoWatchdog(string usec)
    {
        Assert.Null(SystemdWatchdog.FromEnvironment(Env(("WATCHDOG_USEC", usec)), 1).WatchdogTimeout);
    }

    [Theory]
    [InlineData("@appliance/notify", "\0appliance/notify")]
    [InlineData("/run/systemd/notify", "/run/systemd/notify")]
    [InlineData("relative", null)]
    [InlineData("@", null)]
    public void SocketAddress_AbstractAndPath_AreMappedAsSdNotifyDoes(string value, string? expected)
    {
        Assert.Equal(expected, SystemdWatchdog.SocketAddress(value));
    }

    [Fact]
    public void Message_NewlineInStatus_DoesNotStartAnAssignment()
    {
        Assert.Equal("READY=1\nSTATUS=a b", SystemdWatchdog.Message(("READY", "1"), ("STATUS", "a\nb")));
    }
}
