using System.Diagnostics;
using Appliance.Core.Collections;
using Appliance.Core.Health;
using Appliance.Core.Watchdog;

using Appliance.Linux.Health;

namespace Appliance.Linux.Watchdog;

/// <summary>
/// Runs every program check on its own background thread and schedule, the built-in probes
/// together on one (<see cref="IHealthCheck.MayBlock"/>), and keeps each one's latest
/// result. The pet loop only reads those results (<see cref="Verdict"/>): it never waits on a
/// check, so a check that hangs, floods or crashes delays nothing but itself, and shows up as
/// stale once it misses its schedule.
/// </summary>
public sealed class CheckScheduler : IDisposable
{
    private readonly Slot[] _slots;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly Func<CancellationToken, HealthCheckContext> _context;
    private readonly CancellationTokenSource _cancel = new();

    /// <param name="context">What each run gets (IWatchdogPlatform.CheckContext).</param>
    /// <param name="previous">The scheduler being replaced on reload; checks with the same name keep their last result so a reload does not reset health.</param>
    public CheckScheduler(IReadOnlyList<IHealthCheck> checks, TimeSpan interval, TimeProvider time, Func<CancellationToken, HealthCheckContext> context, CheckScheduler? previous = null)
    {
        _interval = interval;
        _time = time;
        _context = context;
        DateTimeOffset now = time.GetUtcNow();
        _slots = checks.Map(c =>
        {
            var carried = previous is null ? null : Array.Find(previous._slots, s => s.Check.Name == c.Name)?.Published;
            return new Slot(c) { Published = carried ?? new PublishedCheck(c.Name, now, null, null) };
        }).ToArray();
    }

    public int Count => _slots.Length;

    /// <summary>True once every check has reported at least once.</summary>
    public bool HaveResults => Array.TrueForAll(_slots, s => s.Published.At is not null);

    public void Start()
    {
        var shared = new List<Slot>();
        foreach (var slot in _slots)
        {
            if (slot.Check.MayBlock)
            {
                StartThread($"check {slot.Check.Name}", [slot]);
            }
            else
            {
                shared.Add(slot);
            }
        }

        if (shared.Count > 0)
        {
            StartThread("checks", [.. shared]);
        }
    }

    private void StartThread(string name, Slot[] slots)
    {
        var thread = new Thread(() => Loop(slots, _cancel.Token), WatchdogDaemon.ThreadStackBytes)
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
    }

    public IReadOnlyList<PublishedCheck> Latest()
    {
        var latest = new List<PublishedCheck>(_slots.Length);
        foreach (var slot in _slots)
        {
            latest.Add(slot.Published);
        }

        return latest;
    }

    public HealthVerdict Verdict(DateTimeOffset now, TimeSpan staleAfter) => HealthVerdict.Combine(Latest(), now, staleAfter);

    /// <summary>Runs <paramref name="slots"/> one after the other, each round, publishing each result as it comes.</summary>
    private void Loop(Slot[] slots, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            foreach (var slot in slots)
            {
                if (!RunOnce(slot, cancel))
                {
                    return;
                }
            }

            cancel.WaitHandle.WaitOne(_interval);
        }
    }

    /// <summary>Runs the check and publishes its result; false once cancelled.</summary>
    private bool RunOnce(Slot slot, CancellationToken cancel)
    {
        long started = Stopwatch.GetTimestamp();
        DateTimeOffset runStarted = _time.GetUtcNow();
        CheckOutcome outcome;
        try
        {
            outcome = slot.Check.Evaluate(_context(cancel));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            outcome = CheckOutcome.Error(e.Message);
        }

        if (cancel.IsCancellationRequested)
        {
            return false;
        }

        var record = CheckRecord.From(slot.Check.Name, CheckKind.Builtin, required: true, outcome, Stopwatch.GetElapsedTime(started));
        slot.Published = slot.Published with { Latest = record, At = _time.GetUtcNow(), RunStarted = runStarted };
        return true;
    }

    public void Dispose() => _cancel.Cancel();

    private sealed class Slot(IHealthCheck check)
    {
        private PublishedCheck? _published;

        public IHealthCheck Check { get; } = check;

        public PublishedCheck Published
        {
            get => Volatile.Read(ref _published)!;
            set => Volatile.Write(ref _published, value);
        }
    }
}
