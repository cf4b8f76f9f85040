using Appliance.Core.Collections;
using Appliance.Core.Health;

namespace Appliance.Core.Watchdog;

/// <summary>
/// The EDAC check's judgement: corrected-error counts (<c>/sys/devices/system/edac/mc/mc*/ce_count</c>)
/// rising by more than a limit between two checks. Corrected errors are harmless one by one; a
/// burst says a DIMM is failing and an uncorrectable error (a machine check) is coming.
/// </summary>
public static class EdacCheck
{
    /// <param name="previous">Counts from the last run, by controller; null on the first run, which only takes a baseline.</param>
    public static CheckOutcome Evaluate(IReadOnlyDictionary<string, long>? previous, IReadOnlyDictionary<string, long> current, long maxPerInterval)
    {
        if (current.Count == 0)
        {
            return CheckOutcome.NotApplicable("no EDAC memory controllers");
        }

        if (previous is null)
        {
            return CheckOutcome.Pass($"baseline: {Describe(current)}");
        }

        var bursts = new List<string>();
        foreach (var (controller, count) in current)
        {
            // A controller that appeared since, or a counter reset (ce_count is writable via reset_counters), is a new baseline.
            if (previous.TryGetValue(controller, out long before) && count >= before && count - before > maxPerInterval)
            {
                bursts.Add($"{controller}: {count - before} corrected errors since the last check (limit {maxPerInterval})");
            }
        }

        return bursts.Count > 0 ? CheckOutcome.Fail(string.Join("; ", bursts)) : CheckOutcome.Pass(Describe(current));
    }

    private static string Describe(IReadOnlyDictionary<string, long> counts) =>
        string.Join(", ", counts.SortedBy(c => c.Key, StringComparer.Ordinal).Map(c => $"{c.Key} ce_count={c.Value}"));
}
