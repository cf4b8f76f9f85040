using System.Net.Sockets;
using System.Text;
using Appliance.Core.Health;
using Appliance.Core.Watchdog;
using Appliance.Linux.Notify;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Watchdog;

public sealed class WatchdogDaemonTests
{
    private static WatchdogSettings Fast(params CommandSpec[] checks) => new()
    {
        Interval = TimeSpan.FromMilliseconds(50),
        CheckInterval = TimeSpan.FromMilliseconds(100),
        CheckTimeout = TimeSpan.FromSeconds(1),
        BuiltinChecks = [],
        Checks = checks,
    };

    private static FakePlatform Platform(RecordingTarget target, Func<WatchdogSettings, IReadOnlyList<Appliance.Linux.Health.IHealthCheck>>? checks = null) =>
        new([target], checks ?? (s => [.. s.Checks.Select(c => new Appliance.Linux.Watchdog.CommandCheck(c))]));

    private static CommandSpec Sh(string script) => new("/bin/sh", ["-c", script]);

    [Fact]
    public void Run_Healthy_PetsEveryIntervalAndTellsSystemd()
    {
        using var dir = new TempDir();
        using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { ReceiveTimeout = 5000 };
        listener.Bind(new UnixDomainSocketEndPoint(dir.File("notify")));
        using var notifier = SystemdNotifier.Create(dir.File("notify"));
        var messages = new List<string>();
        var receiver = new Thread(() =>
        {
            // Read as systemd does, promptly: a unix datagram queue holds only net.unix.max_dgram_qlen messages.
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    string m = Encoding.UTF8.GetString(buffer, 0, listener.Receive(buffer));
                    lock (messages)
                    {
                        messages.Add(m);
                    }
                }
            }
            catch (SocketException)
            {
                // Receive timed out: the daemon has gone quiet.
            }
        });
        receiver.Start();
        var target = new RecordingTarget();
        using var h = new DaemonHarness(() => Fast(new CommandSpec("/bin/true", [])), Platform(target), notifier, TimeSpan.FromSeconds(2)).Start();

        Thread.Sleep(1000);
        h.Stop();
        listener.ReceiveTimeout = 500;
        receiver.Join();

        Assert.InRange(target.PetCount, 8, 30);
        Assert.Contains(messages, m => m.StartsWith("READY=1\nSTATUS=petting 2 target(s)", StringComparison.Ordinal));
        Assert.True(messages.Count(m => m == "WATCHDOG=1") >= 8, string.Join(" | ", messages));
        Assert.Contains("STOPPING=1", messages);
    }

    [Fact]
    public void Run_IntervalFromDeadline_IsHalfTheTimeout()
    {
        var target = new RecordingTarget(deadline: TimeSpan.FromSeconds(10));
        using var h = new DaemonHarness(() => new WatchdogSettings { BuiltinChecks = [] }, Platform(target)).Start();

        Assert.Equal(TimeSpan.FromSeconds(5), h.Daemon.Interval);
        h.Stop();
    }

    [Fact]
    public void Run_HostileChecks_NeverDelayAPet()
    {
        const string StormMarker = "31.2468";
        var target = new RecordingTarget();
        var settings = Fast(
            new CommandSpec("/bin/sleep", ["600"]),
            Sh("head -c 100000000 /dev/zero"),
            Sh($"for i in $(seq 300); do sleep {StormMarker} & done; wait"),
            Sh("kill -SEGV $$"),
            Sh("while :; do :; done")) with { Grace = TimeSpan.FromMinutes(10) };
        using var h = new DaemonHarness(() => settings, Platform(target)).Start();

        Thread.Sleep(4000);
        int pets = target.PetCount;
        var failures = h.Files.ReadState();
        h.Stop();

        // 4 s at 50 ms is 80 rounds; a loaded 2-CPU CI box still manages far more than half,
        // and no gap comes near the 1 s check timeout the hostile checks run into.
        Assert.True(pets >= 40, $"only {pets} pets in 4 s; log:\n{h.Log}");
        Assert.True(target.LargestGap() < TimeSpan.FromMilliseconds(900), $"largest pet gap {target.LargestGap().TotalMilliseconds} ms");
        Assert.Equal(GateState.Unhealthy, h.Daemon.Gate);
        Assert.NotNull(failures);
        h.WaitFor(() => ProcessRunner.Run("/usr/bin/pgrep", "-f", $"sleep {StormMarker}").ExitCode == 1, "the fork storm's children to be killed", seconds: 10);
    }

    [Fact]
    public void Run_UnhealthyPastGraceWithRepair_RepairsThenStopsOnPurpose()
    {
        var target = new RecordingTarget();
        using var scratch = new TempDir();
        string marker = scratch.File("repaired");
        var settings = Fast(new CommandSpec("/bin/false", [])) with { Grace = TimeSpan.FromMilliseconds(300), Repair = new CommandSpec("/usr/bin/touch", [marker]) };
        using var h = new DaemonHarness(() => settings, Platform(target)).Start();

        h.WaitFor(() => File.Exists(h.Files.LastStopPath), "last-stop.json");
        h.WaitFor(() => h.Daemon.Gate == GateState.Stopped, "the gate to stop");
        int atStop = target.PetCount;
        Thread.Sleep(500);

        Assert.Equal(atStop, target.PetCount);
        Assert.True(File.Exists(marker), "the repair hook did not run");
        var record = h.Files.ReadLastStop()!;
        Assert.Equal(FakeTrees.BootId, record.BootId);
        Assert.Contains("still unhealthy after the repair hook", record.Reason);
        Assert.Contains("/bin/false: failed", record.Failures.Single());
        Assert.Contains("pass", record.Repair);
        Assert.True(h.Platform.Syncs >= 1, "no sync() after writing the stop record");
        Assert.Contains(h.Announced, e => e.Name == "check-failing" && e.Message.Contains("repair hook"));
        Assert.Contains(h.Announced, e => e.Name == "check-failing" && e.Message.Contains("stopping petting"));
        h.Stop();
        Assert.Null(target.ReleasedWithDisarm);
    }

    [Fact]
    public void Run_RepairFixesTheProblem_KeepsPetting()
    {
        var target = new RecordingTarget();
        using var scratch = new TempDir();
        string flag = scratch.File("ok");
        var settings = Fast(new CommandSpec("/usr/bin/test", ["-e", flag])) with { Grace = TimeSpan.FromMilliseconds(300), Repair = new CommandSpec("/usr/bin/touch", [flag]) };
        using var h = new DaemonHarness(() => settings, Platform(target)).Start();

        h.WaitFor(() => File.Exists(flag), "the repair hook");
        h.WaitFor(() => h.Daemon.Gate == GateState.Healthy, "health after the repair");
        int before = target.PetCount;
        Thread.Sleep(400);

        Assert.True(target.PetCount > before + 3);
        Assert.False(File.Exists(h.Files.LastStopPath));
        h.Stop();
    }

    [Fact]
    public void Run_HungCheckWithoutTimeout_GoesStaleAndStopsPetting()
    {
        var target = new RecordingTarget();
        using var never = new ManualResetEventSlim(false);
        var settings = Fast() with { Grace = TimeSpan.FromMilliseconds(200), CheckTimeout = TimeSpan.FromMilliseconds(100) };
        var platform = Platform(target, _ => [ScriptedCheck.Blocked("sysfs-read", never)]);
        using var h = new DaemonHarness(() => settings, platform).Start();

        h.WaitFor(() => File.Exists(h.Files.LastStopPath), "the stale check to stop petting");

        Assert.Contains("sysfs-read: no result in", h.Files.ReadLastStop()!.Reason);
        Assert.True(target.PetCount >= 4, "no pets while the check hung");
        never.Set();
        h.Stop();
    }

    [Fact]
    public void Run_StoppedEarlierThisBoot_DoesNotResumePetting()
    {
        var target = new RecordingTarget();
        using var h = new DaemonHarness(() => Fast(), Platform(target));
        h.Files.WriteLastStop(new LastStopRecord { BootId = FakeTrees.BootId, StoppedAt = DateTimeOffset.UnixEpoch, Reason = "disk full" });
        h.Start();

        Thread.Sleep(300);

        Assert.Equal(0, target.PetCount);
        Assert.Equal(GateState.Stopped, h.Daemon.Gate);
        Assert.Contains("not resuming", h.Log.ToString());
        h.Stop();
    }

    /// <summary>A package upgrade restarts the daemon; the stop the previous release recorded (camelCase keys) still holds.</summary>
    [Fact]
    public void Run_StoppedThisBootByPreviousRelease_DoesNotResumePetting()
    {
        var target = new RecordingTarget();
        using var h = new DaemonHarness(() => Fast(), Platform(target));
        Directory.CreateDirectory(Path.GetDirectoryName(h.Files.LastStopPath)!);
        File.WriteAllText(h.Files.LastStopPath, $$"""{"bootId":"{{FakeTrees.BootId}}","stoppedAt":"1970-01-01T00:00:00+00:00","reason":"disk full","failures":[],"repair":null}""");
        h.Start();

        Thread.Sleep(300);

        Assert.Equal(0, target.PetCount);
        Assert.Equal(GateState.Stopped, h.Daemon.Gate);
        h.Stop();
    }

    [Fact]
    public void Run_StoppedInAnEarlierBoot_PetsAgain()
    {
        var target = new RecordingTarget();
        using var h = new DaemonHarness(() => Fast(), Platform(target));
        h.Files.WriteLastStop(new LastStopRecord { BootId = "00000000-0000-0000-0000-000000000000", StoppedAt = DateTimeOffset.UnixEpoch, Reason = "disk full" });
        h.Start();

        h.WaitFor(() => target.PetCount >= 3, "pets");
        h.Stop();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Stop_Sigterm_DisarmsOnlyWhenConfigured(bool magicClose)
    {
        var target = new RecordingTarget();
        using var h = new DaemonHarness(() => Fast() with { MagicCloseOnStop = magicClose }, Platform(target)).Start();

        h.WaitFor(() => target.PetCount >= 2, "pets");
        h.Stop();

        Assert.Equal(magicClose, target.ReleasedWithDisarm);
    }

    [Fact]
    public void Reload_WhilePetting_NoGapAndNewSettingsApply()
    {
        var target = new RecordingTarget();
        var current = Fast() with { Interval = TimeSpan.FromMilliseconds(200) };
        using var h = new DaemonHarness(() => Volatile.Read(ref current), Platform(target)).Start();
        Thread.Sleep(500);

        Volatile.Write(ref current, current with { Interval = TimeSpan.FromMilliseconds(40) });
        for (int i = 0; i < 5; i++)
        {
            h.Daemon.RequestReload();
            Thread.Sleep(100);
        }

        h.WaitFor(() => h.Daemon.Interval == TimeSpan.FromMilliseconds(40), "the new interval");
        Thread.Sleep(300);
        h.Stop();

        Assert.True(target.LargestGap() < TimeSpan.FromMilliseconds(600), $"largest gap {target.LargestGap().TotalMilliseconds} ms");
        Assert.True(h.Platform.Reconciles >= 2);
        Assert.Contains("reloaded configuration; interval 40 ms", h.Log.ToString());
    }

    [Fact]
    public void Run_Settled_ReleasesStartupMemoryOnce()
    {
        var target = new RecordingTarget();
        using var h = new DaemonHarness(() => Fast(new CommandSpec("/bin/true", [])), Platform(target)).Start();

        h.WaitFor(() => Volatile.Read(ref h.Platform.Releases) == 1, "the release");
        Thread.Sleep(500);
        h.Stop();

        Assert.Equal(1, h.Platform.Releases);
    }

    [Fact]
    public void Run_CheckNotYetReported_HoldsTheReleaseUntilItHas()
    {
        using var gate = new ManualResetEventSlim(false);
        var target = new RecordingTarget();
        using var h = new DaemonHarness(() => Fast(), Platform(target, _ => [ScriptedCheck.Blocked("slow", gate)])).Start();
        h.WaitFor(() => target.PetCount >= 2, "pets");

        int before = Volatile.Read(ref h.Platform.Releases);
        gate.Set();
        h.WaitFor(() => Volatile.Read(ref h.Platform.Releases) == 1, "the release");
        h.Stop();

        Assert.Equal(0, before);
    }

    [Fact]
    public void Run_CheckNeverReports_ReleasesOnceItIsStale()
    {
        using var never = new ManualResetEventSlim(false);
        var target = new RecordingTarget();

        // Fast(): stale after 2 x 100 ms + 1 s.
        using var h = new DaemonHarness(() => Fast(), Platform(target, _ => [ScriptedCheck.Blocked("stuck", never)])).Start();
        h.WaitFor(() => Volatile.Read(ref h.Platform.Releases) == 1, "the release");
        never.Set();
        h.Stop();
    }

    [Fact]
    public void Reload_AfterSettling_ReleasesAgain()
    {
        var target = new RecordingTarget();
        using var h = new DaemonHarness(() => Fast(new CommandSpec("/bin/true", [])), Platform(target)).Start();
        h.WaitFor(() => Volatile.Read(ref h.Platform.Releases) == 1, "the first release");

        h.Daemon.RequestReload();
        h.WaitFor(() => Volatile.Read(ref h.Platform.Releases) == 2, "the release after the reload");
        h.Stop();
    }

    [Fact]
    public void Reload_BadConfig_KeepsRunningConfiguration()
    {
        var target = new RecordingTarget();
        int loads = 0;
        using var h = new DaemonHarness(() => Interlocked.Increment(ref loads) == 1 ? Fast() : Appliance.Core.Config.ConfigParser.Parse([("appliance.conf", "[Watchdog]\nTimeout=x\n")]).Require().Watchdog, Platform(target)).Start();

        h.Daemon.RequestReload();
        h.WaitFor(() => h.Log.ToString().Contains("reload failed, keeping the running configuration: appliance.conf:2"), "the reload error");
        int before = target.PetCount;
        Thread.Sleep(200);

        Assert.True(target.PetCount > before);
        h.Stop();
    }

    [Fact]
    public void Run_DeviceReportsCardReset_RecordsWatchdogReset()
    {
        var cause = new DeviceResetCause { Device = "/dev/watchdog0", Identity = "i6300ESB timer", SysfsBootStatus = 32, IoctlBootStatus = 32, Causes = ResetCause.Decode(32) };
        var target = new RecordingTarget(resetCause: cause);
        using var h = new DaemonHarness(() => Fast(), Platform(target)).Start();
        h.WaitFor(() => File.Exists(h.Files.ResetCausePath), "reset-cause.json");
        h.Stop();

        var record = h.Files.ReadResetCause()!;
        Assert.Equal("watchdog reset", record.Cause);
        Assert.Contains(h.Announced, e => e.Name == "watchdog-reset");
        Assert.Equal(32u, record.Devices.Single().IoctlBootStatus);
    }

    [Fact]
    public void Run_NothingToPet_FailsSayingWhatToConfigure()
    {
        using var h = new DaemonHarness(() => Fast(), new FakePlatform([], _ => []));

        var e = h.RunToFailure();

        Assert.Contains("nothing to pet", e?.Message);
    }

    [Fact]
    public void Run_StateFile_ShowsPetsTargetsAndGate()
    {
        var target = new RecordingTarget(deadline: TimeSpan.FromSeconds(1));
        using var h = new DaemonHarness(() => Fast(), Platform(target)).Start();
        h.WaitFor(() => h.Files.ReadState() is not null, "state.json");
        h.Stop();

        var state = h.Files.ReadState()!;
        Assert.Equal(Environment.ProcessId, state.Pid);
        Assert.Equal("healthy", state.Gate);
        Assert.Equal("/dev/fake0", state.Targets.Single().Name);
        Assert.Equal(1, state.Targets.Single().TimeoutSeconds);
    }

    [Fact]
    public void Run_PetThreadHeldUp_CountsTheLatePetAndWarnsOnce()
    {
        // Interval 50 ms; the 3rd pet holds the thread for 300 ms, so the 4th goes out about 250 ms after it was due.
        var target = new RecordingTarget { AfterPet = n => Thread.Sleep(n == 3 ? 300 : 0) };
        using var h = new DaemonHarness(() => Fast(), Platform(target)).Start();
        h.WaitFor(() => target.PetCount >= 10, "ten pets");
        h.WaitFor(() => h.Files.ReadState() is { LatePets: >= 1 }, "state.json counting the late pet");
        h.Stop();

        LatePetFigures late = h.Daemon.Lateness;
        var state = h.Files.ReadState()!;
        Assert.InRange(late.Count, 1, 3);
        Assert.InRange(late.Largest, TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(2000));
        Assert.Equal(late.Count, state.LatePets);
        Assert.Equal((long)late.Largest.TotalMilliseconds, state.LargestLatenessMs);
        Assert.Single(h.Log.ToString().Split('\n'), l => l.StartsWith("appliance: warning: a watchdog pet went out", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_PetsOnTime_CountsNoLatePets()
    {
        var target = new RecordingTarget();
        using var h = new DaemonHarness(() => Fast() with { Interval = TimeSpan.FromMilliseconds(400) }, Platform(target)).Start();
        h.WaitFor(() => target.PetCount >= 4, "four pets");
        h.Stop();

        Assert.Equal(0, h.Daemon.Lateness.Count);
        Assert.DoesNotContain("late", h.Log.ToString(), StringComparison.Ordinal);
    }
}
