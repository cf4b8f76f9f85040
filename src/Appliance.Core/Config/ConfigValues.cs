using System.Globalization;

namespace Appliance.Core.Config;

/// <summary>A value that does not parse; the parser adds the file, line, key and section.</summary>
internal sealed class ConfigValueException(string message) : Exception(message);

/// <summary>
/// Value syntax as in systemd: booleans, plain numbers, time spans and sizes. An empty value
/// resets the key to its default, as an empty assignment does in systemd.
/// </summary>
internal static class ConfigValues
{
    private static readonly (string Unit, double Seconds)[] TimeUnits =
    [
        ("ms", 0.001), ("msec", 0.001),
        ("s", 1), ("sec", 1), ("second", 1), ("seconds", 1),
        ("m", 60), ("min", 60), ("minute", 60), ("minutes", 60),
        ("h", 3600), ("hr", 3600), ("hour", 3600), ("hours", 3600),
    ];

    /// <summary>systemd's parse_boolean(): 1/yes/y/true/t/on and 0/no/n/false/f/off, any case.</summary>
    public static bool Boolean(string value, bool defaultValue) => value.ToLowerInvariant() switch
    {
        "" => defaultValue,
        "1" or "yes" or "y" or "true" or "t" or "on" => true,
        "0" or "no" or "n" or "false" or "f" or "off" => false,
        _ => throw new ConfigValueException("expected yes or no"),
    };

    public static int Integer(string value, int min, int max, int defaultValue) => OptionalInteger(value, min, max) ?? defaultValue;

    /// <summary>A whole number in [min, max], signed only where the range has negative numbers; empty is null.</summary>
    public static int? OptionalInteger(string value, int min, int max)
    {
        if (value.Length == 0)
        {
            return null;
        }

        var style = min < 0 ? NumberStyles.AllowLeadingSign : NumberStyles.None;
        if (!int.TryParse(value, style, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
        {
            throw new ConfigValueException($"expected a whole number from {min} to {max}");
        }

        return n;
    }

    /// <summary>A whole number, decimal or with a 0x prefix in hex (as i2cdetect prints addresses).</summary>
    public static int IntegerOrHex(string value, int min, int max, int defaultValue)
    {
        if (value.Length == 0)
        {
            return defaultValue;
        }

        bool hex = value.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (!int.TryParse(hex ? value.AsSpan(2) : value, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
        {
            throw new ConfigValueException(string.Create(CultureInfo.InvariantCulture, $"expected a whole number from {min} to {max} (0x{min:x2} to 0x{max:x2})"));
        }

        return n;
    }

    public static long? OptionalLong(string value, long min, long max)
    {
        if (value.Length == 0)
        {
            return null;
        }

        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < min || n > max)
        {
            throw new ConfigValueException($"expected a whole number from {min} to {max}");
        }

        return n;
    }

    public static double? OptionalNumber(string value, double min, double max)
    {
        if (value.Length == 0)
        {
            return null;
        }

        if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n) || n < min || n > max)
        {
            throw new ConfigValueException(string.Create(CultureInfo.InvariantCulture, $"expected a number from {min} to {max}"));
        }

        return n;
    }

    public static double Number(string value, double min, double max, double defaultValue) => OptionalNumber(value, min, max) ?? defaultValue;

    /// <summary>
    /// A time span in systemd.time(7) style: a bare number is seconds; otherwise numbers with
    /// units (ms, s, min, h and their long forms), summed: "90", "1min 30s", "500ms".
    /// </summary>
    public static TimeSpan Seconds(string value, TimeSpan min, TimeSpan max, TimeSpan defaultValue)
    {
        if (value.Length == 0)
        {
            return defaultValue;
        }

        string expected = $"expected a time span from {Show(min)} to {Show(max)}, such as 30 or 1min 30s";
        double total = Text.TimeSpanText.Seconds(value, unit => Array.Find(TimeUnits, u => u.Unit == unit) is { Unit: not null } match ? match.Seconds : null)
            ?? throw new ConfigValueException(expected);
        TimeSpan span = TimeSpan.FromSeconds(total);
        if (span < min || span > max)
        {
            throw new ConfigValueException(expected);
        }

        return span;
    }

    /// <summary>A size in bytes: a number with an optional K, M or G suffix (powers of 1024, as systemd's parse_size).</summary>
    public static int Bytes(string value, int min, int max, int defaultValue)
    {
        if (value.Length == 0)
        {
            return defaultValue;
        }

        long factor = char.ToUpperInvariant(value[^1]) switch
        {
            'K' => 1L << 10,
            'M' => 1L << 20,
            'G' => 1L << 30,
            _ => 1,
        };
        string digits = factor == 1 ? value : value[..^1].TrimEnd();
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n > max / factor || n * factor < min)
        {
            throw new ConfigValueException($"expected a size from {min} to {max} bytes, such as 65536 or 64K");
        }

        return (int)(n * factor);
    }

    /// <summary>
    /// An absolute path, later resolved under the root. ".." is refused so a path can never
    /// leave the root, and the path is normalised (repeated and trailing slashes dropped).
    /// </summary>
    public static string AbsolutePath(string value, string defaultValue)
    {
        if (value.Length == 0)
        {
            return defaultValue;
        }

        string[] parts = value.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (value[0] != '/' || Array.Exists(parts, p => p is ".." or "."))
        {
            throw new ConfigValueException("expected an absolute path without . or .. components");
        }

        return "/" + string.Join('/', parts);
    }

    /// <summary>
    /// A program and its arguments: whitespace separates, double quotes group, a backslash inside
    /// quotes escapes the next character. Nothing is expanded: commands run by execve, without a
    /// shell or a PATH search, so the program must be an absolute path.
    /// </summary>
    public static Watchdog.CommandSpec Command(string value)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        bool quoted = false;
        bool inWord = false;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (quoted)
            {
                if (c == '"') { quoted = false; }
                else if (c == '\\' && i + 1 < value.Length) { word.Append(value[++i]); }
                else { word.Append(c); }
            }
            else if (c == '"') { quoted = true; inWord = true; }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) { words.Add(word.ToString()); word.Clear(); inWord = false; }
            }
            else { word.Append(c); inWord = true; }
        }

        if (quoted)
        {
            throw new ConfigValueException("unterminated quote");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        if (words.Count == 0 || !words[0].StartsWith('/'))
        {
            throw new ConfigValueException("expected an absolute program path and its arguments (commands run without a shell or PATH search)");
        }

        return new Watchdog.CommandSpec(words[0], words.GetRange(1, words.Count - 1));
    }

    private static string Show(TimeSpan t) =>
        t.TotalSeconds >= 1 || t == TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds}s") : string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds}ms");
}
