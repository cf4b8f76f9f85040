using System.Globalization;
using Appliance.Core.Collections;

namespace Appliance.Core.Watchdog;

/// <summary>What systemd asked of this process through its environment (sd_notify(3), sd_watchdog_enabled(3)).</summary>
public sealed record SystemdWatchdog(string? NotifySocket, TimeSpan? WatchdogTimeout)
{
    /// <summary>
    /// Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID. The watchdog applies only when
    /// WATCHDOG_PID is absent or names this process: a child that inherited the variables
    /// from its service must not ping on the service's behalf (sd_watchdog_enabled(3)).
    /// </summary>
    public static SystemdWatchdog FromEnvironment(Func<string, string?> get, int ownPid)
    {
        string? socket = get("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(socket))
        {
            socket = null;
        }

        TimeSpan? timeout = null;
        if (ulong.TryParse(get("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out ulong usec) && usec > 0)
        {
            string? pid = get("WATCHDOG_PID");
            bool ours = string.IsNullOrEmpty(pid) || (int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p == ownPid);
            if (ours)
            {
                timeout = TimeSpan.FromTicks((long)Math.Min(usec, long.MaxValue / 10) * 10);
            }
        }

        return new SystemdWatchdog(socket, timeout);
    }

    /// <summary>
    /// The sockaddr_un path bytes for NOTIFY_SOCKET: a leading '@' means the abstract
    /// namespace, which the kernel marks with a leading NUL (unix(7)). Null when the value is
    /// neither absolute nor abstract, as sd_notify rejects it.
    /// </summary>
    public static string? SocketAddress(string notifySocket) => notifySocket switch
    {
        ['@', .. var rest] when rest.Length > 0 => "\0" + rest,
        ['/', ..] => notifySocket,
        _ => null,
    };

    /// <summary>A sd_notify datagram: newline-separated assignments; newlines inside a STATUS would start a new one, so they become spaces.</summary>
    public static string Message(params IEnumerable<(string Key, string Value)> fields) =>
        string.Join('\n', fields.Map(f => $"{f.Key}={f.Value.Replace('\n', ' ')}"));
}
