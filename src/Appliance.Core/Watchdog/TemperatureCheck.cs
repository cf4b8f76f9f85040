using System.Globalization;
using Appliance.Core.Health;

namespace Appliance.Core.Watchdog;

/// <summary>One temperature sensor: hwmon reports millidegrees Celsius (Documentation/hwmon/sysfs-interface.rst), as do thermal zones.</summary>
public sealed record TemperatureReading(string Sensor, long MilliCelsius, long? CriticalMilliCelsius);

/// <summary>The temperature check's judgement: any sensor at or above its critical point, or the configured maximum, fails.</summary>
public static class TemperatureCheck
{
    public static CheckOutcome Evaluate(IReadOnlyList<TemperatureReading> readings, double? maxCelsius)
    {
        if (readings.Count == 0)
        {
            return CheckOutcome.NotApplicable("no temperature sensors (hwmon temp*_input, thermal zones)");
        }

        var hot = new List<string>();
        TemperatureReading hottest = readings[0];
        foreach (var r in readings)
        {
            if (r.MilliCelsius > hottest.MilliCelsius)
            {
                hottest = r;
            }

            long? limit = Min(r.CriticalMilliCelsius, maxCelsius is { } m ? (long)(m * 1000) : null);
            if (limit is { } l && r.MilliCelsius >= l)
            {
                hot.Add($"{r.Sensor} at {C(r.MilliCelsius)} (limit {C(l)})");
            }
        }

        return hot.Count > 0
            ? CheckOutcome.Fail(string.Join("; ", hot))
            : CheckOutcome.Pass($"{readings.Count} sensors; hottest {hottest.Sensor} at {C(hottest.MilliCelsius)}");
    }

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private static string C(long milli) => (milli / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + " °C";
}
