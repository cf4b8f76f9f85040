namespace Appliance.Tests.Support;

/// <summary>
/// A clock the test controls. With <c>autoAdvance</c> every reading moves it on by that much,
/// so code that polls until a timeout (the directory lock) reaches it at once, without waiting.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly TimeSpan _autoAdvance;
    private DateTimeOffset _now;

    public FakeTimeProvider(DateTimeOffset? start = null, TimeSpan autoAdvance = default)
    {
        _now = start ?? new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        _autoAdvance = autoAdvance;
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            long ticks = _now.UtcTicks;
            _now += _autoAdvance;
            return ticks;
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by;
        }
    }
}
