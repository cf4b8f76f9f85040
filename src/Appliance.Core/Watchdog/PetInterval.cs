namespace Appliance.Core.Watchdog;

/// <summary>How often to pet, and why if the configured interval had to be shortened.</summary>
public sealed record PetIntervalChoice(TimeSpan Interval, string? Warning);

public static class PetInterval
{
    /// <summary>Used when nothing in play has a timeout (no device answered GETTIMEOUT, no systemd watchdog).</summary>
    public static readonly TimeSpan Fallback = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Half the shortest deadline in play: the hardware timeouts (as read back, since drivers
    /// round), an external chip's, and systemd's WATCHDOG_USEC, which sd_watchdog_enabled(3)
    /// says to ping at half of. Half leaves one full missed round of slack. A configured
    /// interval is used when it is within that bound and shortened (with a warning) when not.
    /// </summary>
    public static PetIntervalChoice Choose(TimeSpan? configured, IEnumerable<TimeSpan> deadlines)
    {
        TimeSpan? shortest = null;
        foreach (TimeSpan deadline in deadlines)
        {
            if (deadline > TimeSpan.Zero && (shortest is null || deadline < shortest))
            {
                shortest = deadline;
            }
        }

        TimeSpan? bound = shortest is { } s ? s / 2 : null;
        if (configured is { } wanted)
        {
            return bound is { } b && wanted > b
                ? new PetIntervalChoice(b, $"Interval={wanted.TotalMilliseconds:0} ms is more than half the shortest timeout ({(b * 2).TotalMilliseconds:0} ms); petting every {b.TotalMilliseconds:0} ms instead")
                : new PetIntervalChoice(wanted, null);
        }

        return new PetIntervalChoice(bound ?? Fallback, null);
    }
}
