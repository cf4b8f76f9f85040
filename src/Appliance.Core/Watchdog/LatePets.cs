using System.Globalization;

namespace Appliance.Core.Watchdog;

/// <summary>
/// Counts the pets that went out late and keeps the largest lateness, so a kicker that is
/// starved (a loaded machine, swapping, a stalled target) shows before the hardware fires
/// (troglobit/watchdogd issue #45 asks for exactly this). A pet is late when it goes out more
/// than half an interval after it was due: the interval is itself at most half the shortest
/// timeout (<see cref="PetInterval"/>), so half an interval late still leaves three quarters of
/// the timeout, and anything less is ordinary scheduling jitter. Not thread-safe: the pet
/// thread observes, and readers take a <see cref="Snapshot"/> under the caller's lock.
/// </summary>
public sealed class LatePets
{
    /// <summary>At most one warning per hour: a machine that is late every round must not flood the journal.</summary>
    public static readonly TimeSpan WarningEvery = TimeSpan.FromHours(1);

    private DateTimeOffset? _lastWarning;
    private long _sinceWarning;

    public long Count { get; private set; }

    public TimeSpan Largest { get; private set; }

    /// <summary>True when a pet <paramref name="lateness"/> after it was due counts as late.</summary>
    public static bool IsLate(TimeSpan lateness, TimeSpan interval) => lateness > interval / 2;

    public LatePetFigures Snapshot() => new(Count, Largest);

    /// <summary>
    /// Records one pet that went out <paramref name="lateness"/> after it was due; returns the
    /// warning to log, or null when the pet was on time or a warning was given less than
    /// <see cref="WarningEvery"/> before <paramref name="now"/>.
    /// </summary>
    public string? Observe(TimeSpan lateness, TimeSpan interval, DateTimeOffset now)
    {
        if (!IsLate(lateness, interval))
        {
            return null;
        }

        Count++;
        _sinceWarning++;
        if (lateness > Largest)
        {
            Largest = lateness;
        }

        if (_lastWarning is { } last && now - last < WarningEvery)
        {
            return null;
        }

        long since = _sinceWarning;
        bool first = _lastWarning is null;
        _lastWarning = now;
        _sinceWarning = 0;
        string count = first
            ? "the first late pet since the daemon started"
            : $"{since.ToString(CultureInfo.InvariantCulture)} late pet(s) since the last warning, {Count.ToString(CultureInfo.InvariantCulture)} since the daemon started";
        return $"a watchdog pet went out {Ms(lateness)} late (due every {Ms(interval)}; {count}; the largest {Ms(Largest)} late): " +
            "the pet thread was held up (CPU starvation, swapping, or a target slow to answer); RealtimePriority= and LockMemory= in [Watchdog] protect it. " +
            "Repeated at most once an hour; `appliance watchdog status` counts them all";
    }

    private static string Ms(TimeSpan span) => $"{span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";
}

/// <summary>What <c>state.json</c> and the metrics report of the late pets.</summary>
public sealed record LatePetFigures(long Count, TimeSpan Largest);
