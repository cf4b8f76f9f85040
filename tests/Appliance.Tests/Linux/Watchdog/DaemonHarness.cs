using System.Diagnostics;
using Appliance.Core.Health;
using Appliance.Core.Watchdog;
using Appliance.Linux.Files;
using Appliance.Linux.Notify;
using Appliance.Linux.Watchdog;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Watchdog;

/// <summary>A pet target that records when it was petted and how it was released.</summary>
internal sealed class RecordingTarget(string name = "/dev/fake0", TimeSpan? deadline = null, DeviceResetCause? resetCause = null) : IPetTarget
{
    private readonly List<long> _pets = [];

    public string Name => name;

    public string Kind => "device";

    public TimeSpan? Deadline => deadline;

    public DeviceResetCause? ResetCause => resetCause;

    public bool? ReleasedWithDisarm { get; private set; }

    public int PetCount
    {
        get
        {
            lock (_pets)
            {
                return _pets.Count;
            }
        }
    }

    /// <summary>Called after each pet with how many there have been, on the pet thread: a test can hold the thread up here.</summary>
    public Action<int>? AfterPet { get; init; }

    public void Pet()
    {
        int count;
        lock (_pets)
        {
            _pets.Add(Stopwatch.GetTimestamp());
            count = _pets.Count;
        }

        AfterPet?.Invoke(count);
    }

    /// <summary>The longest time between two consecutive pets.</summary>
    public TimeSpan LargestGap()
    {
        lock (_pets)
        {
            return _pets.Zip(_pets.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b)).DefaultIfEmpty(TimeSpan.Zero).Max();
        }
    }

    public bool Reconfigure(WatchdogSettings settings, TextWriter log) => true;

    public string Release(bool disarm)
    {
        ReleasedWithDisarm = disarm;
        return $"{name}: released (disarm={disarm})";
    }

    public void Dispose()
    {
    }
}

/// <summary>What a check run gets in these tests: the real process runner, paths under <paramref name="root"/>.</summary>
internal static class CheckContexts
{
    public static Appliance.Linux.Health.HealthCheckContext For(string root) => Cancellable(root, TestContext.Current.CancellationToken);

    public static Appliance.Linux.Health.HealthCheckContext Cancellable(string root, CancellationToken cancel) =>
        new(root, TimeProvider.System, TimeSpan.FromSeconds(5), new Appliance.Linux.Health.ProcessGroupRunner(TimeProvider.System, 4096), cancel);
}

/// <summary>A check whose result the test sets, or that hangs until released.</summary>
internal sealed class ScriptedCheck(string name, Func<CheckOutcome> run, bool mayBlock = true) : Appliance.Linux.Health.IHealthCheck
{
    public string Name => name;

    public CheckKind Kind => CheckKind.Required;

    public bool Required => true;

    public bool MayBlock => mayBlock;

    public CheckOutcome Evaluate(Appliance.Linux.Health.HealthCheckContext context) => run();

    /// <summary>A check that hangs until <paramref name="until"/> is set, then passes.</summary>
    public static ScriptedCheck Blocked(string name, ManualResetEventSlim until) => new(name, () =>
    {
        until.Wait();
        return CheckOutcome.Pass("");
    });
}

internal sealed class FakePlatform(IReadOnlyList<IPetTarget> targets, Func<WatchdogSettings, IReadOnlyList<Appliance.Linux.Health.IHealthCheck>> checks) : IWatchdogPlatform
{
    public int Syncs;
    public int Reconciles;
    public int Releases;
    public readonly List<StatusLedState> Shown = [];

    public string? BoardName => "fake";

    /// <summary>What <see cref="HardwareOwnership"/> answers; Appliance's by default.</summary>
    public WatchdogOwnership Ownership { get; init; } = WatchdogOwnership.Appliance;

    public WatchdogOwnership HardwareOwnership() => Ownership;

    public IReadOnlyList<IPetTarget> ReconcileTargets(WatchdogSettings settings, IReadOnlyList<IPetTarget> current, TextWriter log)
    {
        Interlocked.Increment(ref Reconciles);
        return current.Count > 0 ? current : targets;
    }

    public IReadOnlyList<Appliance.Linux.Health.IHealthCheck> CreateChecks(WatchdogSettings settings) => checks(settings);

    public Appliance.Linux.Health.HealthCheckContext CheckContext(WatchdogSettings settings, CancellationToken cancel) =>
        new("/", TimeProvider.System, settings.CheckTimeout, new Appliance.Linux.Health.ProcessGroupRunner(TimeProvider.System, settings.OutputLimitBytes), cancel);

    public void ShowStatus(StatusLedState state)
    {
        lock (Shown)
        {
            Shown.Add(state);
        }
    }

    public bool TrialBoot() => false;

    /// <summary>What <see cref="EscapeHatch"/> answers, changeable while the daemon runs.</summary>
    public volatile IReadOnlyList<Appliance.Core.Health.EscapeHatchFinding> EscapeHatchFindings = [];

    public int EscapeHatchLooks;

    public IReadOnlyList<Appliance.Core.Health.EscapeHatchFinding> EscapeHatch()
    {
        Interlocked.Increment(ref EscapeHatchLooks);
        return EscapeHatchFindings;
    }

    public void TuneProcess(WatchdogSettings settings, TextWriter log)
    {
    }

    public void ReleaseStartupMemory(WatchdogSettings settings, TextWriter log) => Interlocked.Increment(ref Releases);

    public void SetThreadPriority(int? priority, TextWriter log)
    {
    }

    public void Sync() => Interlocked.Increment(ref Syncs);
}

/// <summary>Runs a <see cref="WatchdogDaemon"/> on a thread with a fake platform and a temp root.</summary>
internal sealed class DaemonHarness : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private Exception? _failure;

    public DaemonHarness(Func<WatchdogSettings> settings, FakePlatform platform, SystemdNotifier? notifier = null, TimeSpan? systemdTimeout = null, string bootId = FakeTrees.BootId)
    {
        Root = new TempDir();
        Platform = platform;
        Files = new WatchdogFiles(Root.Path, LinuxFileSteps.Instance);
        Daemon = new WatchdogDaemon(new WatchdogDaemonContext(bootId, Environment.ProcessId, TimeProvider.System, Log, Files, (name, message) => Announced.Enqueue((name, message))), settings, platform, notifier, systemdTimeout);
        _thread = new Thread(() =>
        {
            try
            {
                Daemon.Run(_stop.Token);
            }
            catch (Exception e)
            {
                _failure = e;
            }
        }) { IsBackground = true };
    }

    public TempDir Root { get; }

    public FakePlatform Platform { get; }

    public WatchdogFiles Files { get; }

    public WatchdogDaemon Daemon { get; }

    public StringWriter Log { get; } = new() { NewLine = "\n" };

    /// <summary>The events the daemon announced to the operator's hooks, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(string Name, string Message)> Announced { get; } = new();

    public DaemonHarness Start()
    {
        _thread.Start();
        if (!WaitHandle.WaitAny([Daemon.Started.WaitHandle], TimeSpan.FromSeconds(10)).Equals(0))
        {
            throw new TimeoutException($"daemon did not start: {_failure}; log: {Log}");
        }

        return this;
    }

    /// <summary>Polls until the condition holds; fails with the daemon log after the limit.</summary>
    public void WaitFor(Func<bool> condition, string what, double seconds = 15)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"timed out waiting for {what}; log:\n{Log}");
            Thread.Sleep(20);
        }
    }

    /// <summary>Sends the stop (SIGTERM's token) and waits for the daemon to release its targets.</summary>
    public void Stop()
    {
        _stop.Cancel();
        Assert.True(_thread.Join(TimeSpan.FromSeconds(15)), $"daemon did not stop; log:\n{Log}");
        if (_failure is not null)
        {
            throw new InvalidOperationException($"daemon failed: {_failure.Message}; log:\n{Log}", _failure);
        }
    }

    public Exception? RunToFailure()
    {
        _thread.Start();
        _thread.Join(TimeSpan.FromSeconds(15));
        return _failure;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(TimeSpan.FromSeconds(15));
        Root.Dispose();
    }
}
