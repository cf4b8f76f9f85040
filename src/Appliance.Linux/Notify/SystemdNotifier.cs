using System.Net.Sockets;
using System.Text;
using Appliance.Core.Watchdog;
using Appliance.Linux.Watchdog;

namespace Appliance.Linux.Notify;

/// <summary>
/// sd_notify(3) without libsystemd: one AF_UNIX datagram per message to $NOTIFY_SOCKET (a path,
/// or '@name' for the abstract namespace). Sending never blocks the caller for long: the
/// socket is non-blocking, and a full queue drops the message, as sd_notify does.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    private readonly Socket _socket;
    private readonly UnixDomainSocketEndPoint _endpoint;

    private SystemdNotifier(string address)
    {
        Address = address;
        _endpoint = new UnixDomainSocketEndPoint(address);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };
    }

    public string Address { get; }

    /// <summary>A notifier for $NOTIFY_SOCKET; null when systemd did not set one (not a Type=notify service) or it is unusable.</summary>
    public static SystemdNotifier? Create(string? notifySocket) =>
        notifySocket is not null && SystemdWatchdog.SocketAddress(notifySocket) is { } address ? new SystemdNotifier(address) : null;

    /// <summary>Sends one message (<c>READY=1</c>, <c>WATCHDOG=1</c>, <c>STATUS=...</c>, newline-separated); false when it could not be queued.</summary>
    public bool Send(string message)
    {
        try
        {
            return _socket.SendTo(Encoding.UTF8.GetBytes(message), SocketFlags.None, _endpoint) > 0;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();
}

/// <summary>systemd's service watchdog (WatchdogSec=) as a pet target: WATCHDOG=1 at least every half of WATCHDOG_USEC.</summary>
public sealed class SystemdWatchdogTarget(SystemdNotifier notifier, TimeSpan timeout) : IPetTarget
{
    public string Name => $"systemd ({notifier.Address.Replace('\0', '@')})";

    public string Kind => "systemd";

    public TimeSpan? Deadline => timeout;

    public DeviceResetCause? ResetCause => null;

    public void Pet()
    {
        if (!notifier.Send("WATCHDOG=1"))
        {
            throw new IOException($"{Name}: WATCHDOG=1 could not be sent");
        }
    }

    public bool Reconfigure(WatchdogSettings settings, TextWriter log) => true;

    /// <summary>systemd reacts to missing pings with WatchdogSignal= and Restart=; nothing to disarm.</summary>
    public string Release(bool disarm) => $"{Name}: pings stop";

    public void Dispose()
    {
        // The notifier is shared with READY/STATUS messages and owned by the daemon.
    }
}
