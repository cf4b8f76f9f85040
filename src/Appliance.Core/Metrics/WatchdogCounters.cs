using System.Text.Json.Serialization;

namespace Appliance.Core.Metrics;

/// <summary>
/// The counters the metrics read from the watchdog daemon's <c>state.json</c>, and nothing
/// else of it: the daemon's record may gain or lose fields without breaking the metrics.
/// <see cref="LatePets"/> is read when the daemon records it (pets that came later than the
/// interval allows); absent, the metric is left out rather than reported as zero.
/// </summary>
public sealed record WatchdogCounters
{
    [JsonPropertyName("pets")]
    public long Pets { get; init; }

    [JsonPropertyName("late_pets")]
    public long? LatePets { get; init; }

    /// <summary>Read with <see cref="LatePets"/>; absent in a state.json older than it.</summary>
    [JsonPropertyName("largest_lateness_ms")]
    public long? LargestLatenessMs { get; init; }
}
