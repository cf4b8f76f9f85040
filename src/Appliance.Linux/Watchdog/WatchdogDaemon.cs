using Appliance.Core.Collections;
using Appliance.Core.Watchdog;
using Appliance.Linux.Files;
using Appliance.Linux.Notify;

namespace Appliance.Linux.Watchdog;

/// <summary>Who the daemon is and where it writes.</summary>
/// <param name="Announce">Tells the operator's event hooks (name, sentence); must return at once, as it is called from the pet thread.</param>
public sealed record WatchdogDaemonContext(string BootId, int Pid, TimeProvider Time, TextWriter Log, WatchdogFiles Files, Action<string, string>? Announce = null);

/// <summary>
/// <c>appliance watchdog run</c>: pets every target on a dedicated thread while the machine is
/// healthy, modelled on watchdogd. Three kinds of threads never wait on each other: the pet
/// thread (reads the latest verdict, decides, pets), one thread per check (runs it on its
/// schedule, publishes its result) and the main thread (reload, state file, LED, shutdown).
/// A repair runs on a thread of its own.
/// </summary>
public sealed partial class WatchdogDaemon
{
    /// <summary>How often state.json and the LED are refreshed when nothing changes.</summary>
    public static readonly TimeSpan StateRefresh = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Stack size for the daemon's own threads. The default is RLIMIT_STACK (8 MiB), and with
    /// LockMemory=yes mlockall populates every byte of every stack: eight threads alone were
    /// 118 MB resident in the benchmark. The threads only loop, read sysfs and start processes.
    /// </summary>
    public const int ThreadStackBytes = 256 * 1024;

    private readonly WatchdogDaemonContext _context;
    private readonly Func<WatchdogSettings> _load;
    private readonly IWatchdogPlatform _platform;
    private readonly SystemdNotifier? _notifier;
    private readonly TimeSpan? _systemdTimeout;
    private readonly AutoResetEvent _petWake = new(false);
    private readonly AutoResetEvent _mainWake = new(false);
    private readonly object _gateLock = new();
    private readonly Dictionary<string, string> _targetErrors = new(StringComparer.Ordinal);
    private readonly LatePets _latePets = new();
    private WatchdogOwnership _ownership = WatchdogOwnership.Appliance;
    private PetGate _gate = new(TimeSpan.Zero, false);
    private volatile Round _round = null!;
    private volatile bool _stopping;
    private volatile bool _reloadRequested;
    private long _pets;
    private long _lastPetTicks;
    private HealthVerdict? _lastVerdict;
    private string? _repairSummary;
    private bool _settled;

    // The escape-hatch self-test as the main loop last saw it (report only).
    private long? _escapeHatchLooked;
    private IReadOnlyList<string> _escapeHatchIds = [];
    private IReadOnlyList<string> _escapeHatch = [];

    public WatchdogDaemon(WatchdogDaemonContext context, Func<WatchdogSettings> load, IWatchdogPlatform platform, SystemdNotifier? notifier, TimeSpan? systemdTimeout)
    {
        _context = context;
        _load = load;
        _platform = platform;
        _notifier = notifier;
        _systemdTimeout = systemdTimeout;
    }

    /// <summary>Pets so far, for tests and state.json.</summary>
    public long Pets => Interlocked.Read(ref _pets);

    public GateState Gate
    {
        get
        {
            lock (_gateLock)
            {
                return _gate.State;
            }
        }
    }

    /// <summary>Late pets so far and the largest lateness, for tests and state.json.</summary>
    public LatePetFigures Lateness
    {
        get
        {
            lock (_latePets)
            {
                return _latePets.Snapshot();
            }
        }
    }

    /// <summary>The interval in use.</summary>
    public TimeSpan Interval => _round.Interval;

    /// <summary>Set once the targets are open and the pet thread runs.</summary>
    public ManualResetEventSlim Started { get; } = new(false);

    /// <summary>Asks for a config reload (SIGHUP); safe from a signal handler.</summary>
    public void RequestReload()
    {
        _reloadRequested = true;
        _mainWake.Set();
    }

    /// <summary>Runs until <paramref name="stop"/> (SIGTERM); returns when the targets are released.</summary>
    public void Run(CancellationToken stop)
    {
        var log = _context.Log;
        WatchdogSettings settings = _load();
        _platform.TuneProcess(settings, log);
        _gate = new PetGate(settings.Grace, settings.Repair is not null);

        if (_context.Files.ReadLastStop() is { } previous && previous.BootId == _context.BootId)
        {
            // A restart after a deliberate stop (systemd Restart=, an operator) must not undo it.
            _gate.StayStopped();
            log.WriteLine($"appliance: petting was stopped on purpose earlier this boot ({previous.Reason}); not resuming. The watchdog will reset the machine.");
        }

        WatchdogOwnership ownership = _platform.HardwareOwnership();
        _ownership = ownership;
        var targets = new List<IPetTarget>(_platform.ReconcileTargets(settings, [], log));
        TimeSpan? serviceWatchdog = _notifier is not null ? _systemdTimeout : null;
        if (_notifier is not null && serviceWatchdog is { } sd)
        {
            targets.Add(new SystemdWatchdogTarget(_notifier, sd));
        }

        if (ownership.SystemdOwns && targets.Count == 0)
        {
            throw new FileProblemException(FileProblemKind.Unsupported, ownership.HeldDevices.Count > 0 ? ownership.HeldDevices[0] : SystemdRuntimeWatchdog.DefaultDevice, ownership.NothingToGate());
        }

        if (targets.Count == 0)
        {
            throw new FileProblemException(FileProblemKind.Missing, "[Watchdog]", "nothing to pet: no watchdog device, GPIO watchdog or systemd WatchdogSec=; configure Device= or load a watchdog driver");
        }

        if (ownership.SystemdOwns)
        {
            // The one sentence that says which arrangement this is; the gating itself is the
            // ordinary gate: the systemd target is petted only when the checks pass, like every target.
            log.WriteLine($"appliance: {ownership.StartSentence(serviceWatchdog)}");
        }

        var checks = new CheckScheduler(_platform.CreateChecks(settings), settings.CheckInterval, _context.Time, cancel => _platform.CheckContext(settings, cancel));
        _round = NewRound(settings, targets, checks, log);

        var petThread = new Thread(PetLoop, ThreadStackBytes) { IsBackground = true, Name = "pet" };
        petThread.Start();
        Started.Set();

        RecordResetCause(targets);
        checks.Start();
        _notifier?.Send(SystemdWatchdog.Message(("READY", "1"), ("STATUS", $"petting {targets.Count} target(s) every {_round.Interval.TotalMilliseconds:0} ms")));
        log.WriteLine($"appliance: watchdog daemon running: {string.Join(", ", targets.Map(t => t.Name))}; interval {_round.Interval.TotalMilliseconds:0} ms; {checks.Count} check(s)");
        WatchEscapeHatch(log);
        Publish();

        while (!stop.IsCancellationRequested)
        {
            // Until it has settled, the loop looks as often as checks report, not every StateRefresh.
            WaitHandle.WaitAny([stop.WaitHandle, _mainWake], _settled ? StateRefresh : Min(StateRefresh, _round.Settings.CheckInterval));
            if (stop.IsCancellationRequested)
            {
                break;
            }

            if (_reloadRequested)
            {
                _reloadRequested = false;
                Reload(log);
            }

            WatchEscapeHatch(log);
            Publish();
            Settle(log);
        }

        Shutdown(petThread, log);
    }

    private Round NewRound(WatchdogSettings settings, IReadOnlyList<IPetTarget> targets, CheckScheduler checks, TextWriter log)
    {
        var deadlines = new List<TimeSpan>();
        foreach (var target in targets)
        {
            if (target.Deadline is { } deadline)
            {
                deadlines.Add(deadline);
            }
        }

        var choice = PetInterval.Choose(settings.Interval, deadlines);
        if (choice.Warning is not null)
        {
            log.WriteLine($"appliance: {choice.Warning}");
        }

        return new Round(settings, targets, checks, choice.Interval, settings.CheckInterval * 2 + settings.CheckTimeout, _context.Time.GetTimestamp());
    }

    private void PetLoop()
    {
        var time = _context.Time;
        int? appliedPriority = null;
        // When this round's pet is due (for its lateness), and when the loop aimed to wake for it.
        long due = time.GetTimestamp();
        long aim = due;
        while (!_stopping)
        {
            Round round = _round;
            if (round.Settings.RealtimePriority != appliedPriority)
            {
                appliedPriority = round.Settings.RealtimePriority;
                _platform.SetThreadPriority(appliedPriority, _context.Log);
            }

            DateTimeOffset now = time.GetUtcNow();
            HealthVerdict verdict = round.Checks.Verdict(now, round.StaleAfter);
            GateDecision decision;
            lock (_gateLock)
            {
                decision = _gate.Decide(verdict, now);
                _lastVerdict = verdict;
            }

            switch (decision.Action)
            {
                case GateAction.Pet:
                    NoteLateness(time.GetElapsedTime(due), round.Interval, now);
                    PetAll(round);
                    break;
                case GateAction.PetAndRepair:
                    NoteLateness(time.GetElapsedTime(due), round.Interval, now);
                    PetAll(round);
                    StartRepair(round.Settings, decision.Reason ?? "unhealthy");
                    break;
                case GateAction.Stop:
                    StopOnPurpose(decision.Reason ?? "unhealthy", verdict);
                    break;
            }

            // The schedule advances by whole intervals, so a slow round does not shift every
            // later one. A pet already overdue goes out at once (its lateness counted from when
            // it was due), and the schedule restarts from it: after a long stall the loop pets
            // once, not a burst of catch-up pets.
            long interval = (long)(round.Interval.TotalSeconds * time.TimestampFrequency);
            due = aim + interval;
            long current = time.GetTimestamp();
            aim = due < current ? current : due;
            _petWake.WaitOne(TimeSpan.FromSeconds((double)(aim - current) / time.TimestampFrequency));
        }
    }

    /// <summary>Counts a late pet; the warning (at most hourly, decided by <see cref="LatePets"/>) is logged from this thread, as a failed pet is.</summary>
    private void NoteLateness(TimeSpan lateness, TimeSpan interval, DateTimeOffset now)
    {
        string? warning;
        lock (_latePets)
        {
            warning = _latePets.Observe(lateness, interval, now);
        }

        if (warning is not null)
        {
            _context.Log.WriteLine($"appliance: warning: {warning}");
        }
    }

    private void PetAll(Round round)
    {
        foreach (var target in round.Targets)
        {
            try
            {
                target.Pet();
                if (_targetErrors.Count > 0)
                {
                    lock (_targetErrors)
                    {
                        _targetErrors.Remove(target.Name);
                    }
                }
            }
            catch (IOException e)
            {
                bool fresh;
                lock (_targetErrors)
                {
                    fresh = !_targetErrors.TryGetValue(target.Name, out string? old) || old != e.Message;
                    _targetErrors[target.Name] = e.Message;
                }

                if (fresh)
                {
                    _context.Log.WriteLine($"appliance: pet failed: {e.Message}");
                }
            }
        }

        Interlocked.Increment(ref _pets);
        Interlocked.Exchange(ref _lastPetTicks, _context.Time.GetUtcNow().UtcTicks);
    }

    /// <param name="Started">When the round began (<see cref="TimeProvider.GetTimestamp"/>).</param>
    private sealed record Round(WatchdogSettings Settings, IReadOnlyList<IPetTarget> Targets, CheckScheduler Checks, TimeSpan Interval, TimeSpan StaleAfter, long Started);
}
