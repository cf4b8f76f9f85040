using System.Globalization;

namespace Appliance.Vm;

/// <summary>What the board benchmarks share: medians and invariant-culture text.</summary>
public static class BenchMath
{
    public static double Median(IReadOnlyCollection<double> values)
    {
        var s = values.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
