using System.Net.Sockets;
using System.Text;
using Appliance.Core.Health;
using Appliance.Core.Watchdog;
using Appliance.Linux.Files;
using Appliance.Linux.Notify;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Watchdog;

/// <summary>The daemon when systemd holds the hardware watchdog: it gates systemd's service watchdog instead of failing on EBUSY.</summary>
public sealed class SystemdGatingTests
{
    private static readonly WatchdogOwnership SystemdOwns =
        WatchdogOwnership.Decide(SystemdRuntimeWatchdog.Parse("30s", "/etc/systemd/system.conf:2")!, systemdIsPid1: true, ["/dev/watchdog0"]);

    private static WatchdogSettings Fast() => new()
    {
        Interval = TimeSpan.FromMilliseconds(50),
        CheckInterval = TimeSpan.FromMilliseconds(100),
        CheckTimeout = TimeSpan.FromSeconds(1),
        Grace = TimeSpan.FromMilliseconds(300),
        BuiltinChecks = [],
    };

    [Fact]
    public void Run_SystemdHoldsTheHardwareWatchdog_SaysSoAndSendsWatchdog1OnlyWhileHealthy()
    {
        using var dir = new TempDir();
        using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { ReceiveTimeout = 5000 };
        listener.Bind(new UnixDomainSocketEndPoint(dir.File("notify")));
        using var notifier = SystemdNotifier.Create(dir.File("notify"));
        var pings = 0;
        var receiver = new Thread(() =>
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    if (Encoding.UTF8.GetString(buffer, 0, listener.Receive(buffer)) == "WATCHDOG=1")
                    {
                        Interlocked.Increment(ref pings);
                    }
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Receive timed out (the daemon has gone quiet) or the socket was closed under it
                // (ObjectDisposedException when the close wins the race with Receive's entry);
                // anything escaping this thread would end the whole test run.
            }
        });
        receiver.Start();
        var sick = false;
        var check = new ScriptedCheck("app", () => Volatile.Read(ref sick) ? CheckOutcome.Fail("app: not answering") : CheckOutcome.Pass(""), mayBlock: false);
        var platform = new FakePlatform([], _ => [check]) { Ownership = SystemdOwns };
        using var h = new DaemonHarness(Fast, platform, notifier, TimeSpan.FromSeconds(2)).Start();

        h.WaitFor(() => Volatile.Read(ref pings) >= 5, "WATCHDOG=1 while healthy");
        Volatile.Write(ref sick, true);
        h.WaitFor(() => h.Daemon.Gate == GateState.Stopped, "the gate to stop");
        Thread.Sleep(300);
        int atStop = Volatile.Read(ref pings);
        Thread.Sleep(500);
        int later = Volatile.Read(ref pings);
        var state = h.Files.ReadState();
        h.Stop();
        listener.Dispose();
        receiver.Join();

        Assert.Equal(atStop, later);
        Assert.Contains("appliance: systemd holds the hardware watchdog (RuntimeWatchdogSec=30s (/etc/systemd/system.conf:2); PID 1 has /dev/watchdog0 open), so Appliance leaves the device to it and gates systemd's service watchdog instead", h.Log.ToString());
        Assert.Contains("stopping petting on purpose", h.Log.ToString());
        Assert.Equal(SystemdOwns.Reason, state?.SystemdHoldsWatchdog);
    }

    [Fact]
    public void Run_ApplianceOwnsTheHardwareWatchdog_SaysNothingAboutSystemd()
    {
        var target = new RecordingTarget();
        using var h = new DaemonHarness(Fast, new FakePlatform([target], _ => [])).Start();
        h.WaitFor(() => h.Files.ReadState() is not null, "state.json");
        h.Stop();

        Assert.DoesNotContain("systemd holds", h.Log.ToString());
        Assert.Null(h.Files.ReadState()!.SystemdHoldsWatchdog);
    }

    [Fact]
    public void Run_SystemdHoldsItAndNoServiceWatchdog_FailsSayingThereIsNothingToGate()
    {
        using var h = new DaemonHarness(Fast, new FakePlatform([], _ => []) { Ownership = SystemdOwns });

        var e = Assert.IsType<FileProblemException>(h.RunToFailure());

        Assert.Equal(FileProblemKind.Unsupported, e.Kind);
        Assert.StartsWith("/dev/watchdog0: held by systemd", e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing to gate", e.Message, StringComparison.Ordinal);
    }
}
