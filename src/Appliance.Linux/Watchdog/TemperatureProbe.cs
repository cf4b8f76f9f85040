using System.Globalization;
using Appliance.Core.Collections;
using Appliance.Core.Health;
using Appliance.Core.Watchdog;

using HealthCheckContext = Appliance.Linux.Health.HealthCheckContext;
using IHealthCheck = Appliance.Linux.Health.IHealthCheck;
using ProcessGroupRunner = Appliance.Linux.Health.ProcessGroupRunner;

namespace Appliance.Linux.Watchdog;

/// <summary>
/// Reads every hwmon <c>temp*_input</c> with its <c>temp*_crit</c> (Documentation/hwmon/sysfs-interface.rst)
/// and every thermal zone's <c>temp</c> with its <c>critical</c> trip point
/// (Documentation/driver-api/thermal/sysfs-api.rst), all in millidegrees Celsius.
/// </summary>
public sealed class TemperatureProbe(string root, double? maxCelsius) : IHealthCheck
{
    public string Name => BuiltinChecks.Temperature;

    public CheckKind Kind => CheckKind.Builtin;

    public bool Required => true;

    public bool MayBlock => false;

    public CheckOutcome Evaluate(HealthCheckContext context) => TemperatureCheck.Evaluate(Read(), maxCelsius);

    public IReadOnlyList<TemperatureReading> Read()
    {
        var readings = new List<TemperatureReading>();
        string hwmon = Path.Combine(root, "sys/class/hwmon");
        foreach (string dir in Entries(hwmon, "hwmon*"))
        {
            string chip = ReadText(Path.Combine(dir, "name")) ?? Path.GetFileName(dir);
            foreach (string input in Entries(dir, "temp*_input"))
            {
                string prefix = input[..^"_input".Length];
                if (ReadLong(input) is { } value)
                {
                    string label = ReadText(prefix + "_label") ?? Path.GetFileName(prefix);
                    readings.Add(new TemperatureReading($"{chip}/{label}", value, ReadLong(prefix + "_crit")));
                }
            }
        }

        string thermal = Path.Combine(root, "sys/class/thermal");
        foreach (string zone in Entries(thermal, "thermal_zone*"))
        {
            if (ReadLong(Path.Combine(zone, "temp")) is not { } value)
            {
                continue;
            }

            long? critical = null;
            foreach (string type in Entries(zone, "trip_point_*_type"))
            {
                if (ReadText(type) == "critical" && ReadLong(type[..^"_type".Length] + "_temp") is { } t)
                {
                    critical = critical is null ? t : Math.Min(critical.Value, t);
                }
            }

            string name = ReadText(Path.Combine(zone, "type")) ?? Path.GetFileName(zone);
            readings.Add(new TemperatureReading($"{Path.GetFileName(zone)}/{name}", value, critical));
        }

        return readings;
    }

    private static IEnumerable<string> Entries(string directory, string pattern) =>
        Directory.Exists(directory) ? Directory.EnumerateFileSystemEntries(directory, pattern).SortedOrdinal() : [];

    private static string? ReadText(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            // A sensor that errors on read (ENODATA while the chip wakes) is skipped this round.
            return null;
        }
    }

    private static long? ReadLong(string path) =>
        long.TryParse(ReadText(path), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : null;
}
