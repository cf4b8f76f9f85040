using System.Net.Sockets;
using System.Text;
using Appliance.Linux.Notify;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Notify;

/// <summary>sd_notify against real AF_UNIX datagram sockets, as systemd listens on them.</summary>
public sealed class SystemdNotifierTests
{
    private static Socket Listen(string address)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(address));
        socket.ReceiveTimeout = 5000;
        return socket;
    }

    private static string Receive(Socket socket)
    {
        var buffer = new byte[4096];
        int n = socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    [Fact]
    public void Send_PathSocket_DeliversEachMessageAsOneDatagram()
    {
        using var dir = new TempDir();
        string path = dir.File("notify");
        using var listener = Listen(path);
        using var notifier = SystemdNotifier.Create(path)!;

        Assert.True(notifier.Send("READY=1\nSTATUS=petting"));
        Assert.True(notifier.Send("WATCHDOG=1"));

        Assert.Equal("READY=1\nSTATUS=petting", Receive(listener));
        Assert.Equal("WATCHDOG=1", Receive(listener));
    }

    [Fact]
    public void Send_AbstractSocket_AtSignBecomesLeadingNul()
    {
        string name = $"appliance-test-{Environment.ProcessId}-{Guid.NewGuid():N}";
        using var listener = Listen("\0" + name);
        using var notifier = SystemdNotifier.Create("@" + name)!;

        Assert.True(notifier.Send("READY=1"));

        Assert.Equal("READY=1", Receive(listener));
    }

    [Fact]
    public void WatchdogTarget_Pet_SendsWatchdog1()
    {
        using var dir = new TempDir();
        string path = dir.File("notify");
        using var listener = Listen(path);
        using var notifier = SystemdNotifier.Create(path)!;
        var target = new SystemdWatchdogTarget(notifier, TimeSpan.FromSeconds(30));

        target.Pet();

        Assert.Equal("WATCHDOG=1", Receive(listener));
        Assert.Equal(TimeSpan.FromSeconds(30), target.Deadline);
    }

    [Fact]
    public void Send_NobodyListening_ReturnsFalseWithoutThrowing()
    {
        using var dir = new TempDir();
        using var notifier = SystemdNotifier.Create(dir.File("absent"))!;

        Assert.False(notifier.Send("WATCHDOG=1"));
    }

    [Fact]
    public void Create_NoOrRelativeSocket_GivesNoNotifier()
    {
        Assert.Null(SystemdNotifier.Create(null));
        Assert.Null(SystemdNotifier.Create("relative/path"));
    }
}
