using System.Globalization;

namespace Appliance.Core.Text;

/// <summary>
/// systemd.time(7) time spans: numbers with units, summed ("1min 30s", "500ms"); a number
/// without a unit is seconds. The unit table is the caller's: Appliance's own configuration
/// takes a few units, systemd's parse_sec takes them all.
/// </summary>
public static class TimeSpanText
{
    /// <summary>The total in seconds, or null when the text is empty, malformed, or names a unit <paramref name="unitSeconds"/> does not know (it answers null).</summary>
    public static double? Seconds(string value, Func<string, double?> unitSeconds)
    {
        if (value.Length == 0)
        {
            return null;
        }

        double total = 0;
        int i = 0;
        while (i < value.Length)
        {
            while (i < value.Length && value[i] == ' ')
            {
                i++;
            }

            int start = i;
            while (i < value.Length && (char.IsAsciiDigit(value[i]) || value[i] == '.'))
            {
                i++;
            }

            if (!double.TryParse(value.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
            {
                return null;
            }

            while (i < value.Length && value[i] == ' ')
            {
                i++;
            }

            int unitStart = i;
            while (i < value.Length && char.IsAsciiLetter(value[i]))
            {
                i++;
            }

            string unit = value[unitStart..i];
            double? seconds = unit.Length == 0 ? 1 : unitSeconds(unit);
            if (seconds is null)
            {
                return null;
            }

            total += number * seconds.Value;
        }

        return total;
    }
}
