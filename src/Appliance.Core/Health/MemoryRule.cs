using System.Globalization;

namespace Appliance.Core.Health;

/// <summary>Both minimums apply when both are set.</summary>
public sealed record MemorySettings(string Name = MemoryRule.Type, bool Enabled = true, bool Required = false, long? MinAvailableMiB = null, double? MinAvailablePercent = 5)
    : BuiltinCheckSettings(Name, Enabled, Required)
{
    public override string Type => MemoryRule.Type;
}

public readonly record struct MemoryInfo(long TotalKiB, long AvailableKiB);

/// <summary>
/// MemAvailable from <c>/proc/meminfo</c>: the kernel's estimate of memory available for new
/// work without swapping (Documentation/filesystems/proc.rst, since Linux 3.14), which unlike
/// MemFree counts reclaimable page cache.
/// </summary>
public static class MemoryRule
{
    public const string Type = "memory";

    /// <summary>"MemTotal:  8048108 kB" lines; null when MemTotal or MemAvailable is missing.</summary>
    public static MemoryInfo? Parse(string text)
    {
        long? total = null, available = null;
        foreach (string line in text.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0)
            {
                continue;
            }

            string[] value = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (value.Length == 0 || !long.TryParse(value[0], NumberStyles.None, CultureInfo.InvariantCulture, out long kib))
            {
                continue;
            }

            switch (line[..colon])
            {
                case "MemTotal": total = kib; break;
                case "MemAvailable": available = kib; break;
            }
        }

        return total is { } t && available is { } a ? new MemoryInfo(t, a) : null;
    }

    public static CheckOutcome Evaluate(MemoryInfo memory, MemorySettings settings)
    {
        double availableMiB = memory.AvailableKiB / 1024.0;
        double percent = memory.TotalKiB > 0 ? 100.0 * memory.AvailableKiB / memory.TotalKiB : 0;
        string numbers = string.Create(CultureInfo.InvariantCulture, $"{availableMiB:0} MiB available of {memory.TotalKiB / 1024.0:0} MiB ({percent:0.0}%)");
        var under = new List<string>();
        if (settings.MinAvailableMiB is { } mib && availableMiB < mib)
        {
            under.Add($"below MinAvailableMiB={mib}");
        }

        if (settings.MinAvailablePercent is { } pct && percent < pct)
        {
            under.Add(string.Create(CultureInfo.InvariantCulture, $"below MinAvailablePercent={pct}"));
        }

        return under.Count == 0 ? CheckOutcome.Pass(numbers) : CheckOutcome.Fail($"{numbers}: {string.Join(", ", under)}");
    }
}
