using System.Globalization;

namespace Appliance.Core.Health;

/// <summary>Each limit is optional; without any the check only reports the numbers.</summary>
public sealed record LoadAverageSettings(string Name = LoadAverageRule.Type, bool Enabled = true, bool Required = false, double? MaxLoad1 = null, double? MaxLoad5 = null, double? MaxLoad15 = null)
    : BuiltinCheckSettings(Name, Enabled, Required)
{
    public override string Type => LoadAverageRule.Type;
}

public readonly record struct LoadAverage(double Load1, double Load5, double Load15);

/// <summary>The 1, 5 and 15 minute load averages from <c>/proc/loadavg</c> against their limits.</summary>
public static class LoadAverageRule
{
    public const string Type = "load";

    /// <summary>proc(5): "0.20 0.18 0.12 1/80 11206": three averages, runnable/total tasks, last pid.</summary>
    public static LoadAverage? Parse(string text)
    {
        string[] f = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (f.Length < 3
            || !double.TryParse(f[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double l1)
            || !double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double l5)
            || !double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double l15))
        {
            return null;
        }

        return new LoadAverage(l1, l5, l15);
    }

    public static CheckOutcome Evaluate(LoadAverage load, LoadAverageSettings settings)
    {
        string numbers = string.Create(CultureInfo.InvariantCulture, $"load average {load.Load1:0.00} {load.Load5:0.00} {load.Load15:0.00}");
        var over = new List<string>();
        Compare("1", load.Load1, settings.MaxLoad1);
        Compare("5", load.Load5, settings.MaxLoad5);
        Compare("15", load.Load15, settings.MaxLoad15);
        return over.Count == 0 ? CheckOutcome.Pass(numbers) : CheckOutcome.Fail($"{numbers}: {string.Join(", ", over)}");

        void Compare(string minutes, double value, double? max)
        {
            if (max is { } m && value > m)
            {
                over.Add(string.Create(CultureInfo.InvariantCulture, $"{minutes}-minute {value:0.00} > MaxLoad{minutes}={m}"));
            }
        }
    }
}
