using System.Globalization;
using System.Text;
using Appliance.Core.Collections;

namespace Appliance.Core.Watchdog;

/// <summary>A <c>[Watchdog]</c> setting Appliance cannot use; the message names the line and says what is accepted.</summary>
public sealed class WatchdogConfigException(string source, int line, string message)
    : Exception($"{source}:{line}: {message}")
{
    public int Line { get; } = line;
}

/// <summary>
/// Parses the <c>[Watchdog]</c> section of appliance.conf (INI, systemd-style: <c>Key=Value</c>,
/// <c>#</c> and <c>;</c> comments, list keys repeated, an empty value clearing the list so far).
/// Other sections belong to other parts of Appliance and are skipped. Unknown keys in
/// <c>[Watchdog]</c> are errors: a typo in a safety setting must not be silently ignored.
/// </summary>
public static class WatchdogConfig
{
    public const string Section = "Watchdog";

    public static WatchdogSettings Parse(string text, string source) => Parse([(source, text)]);

    /// <summary>Parses the main file and its drop-ins in order (ConfigLoadResult.Sources): a later file wins key by key, list keys accumulate, as in systemd drop-ins.</summary>
    public static WatchdogSettings Parse(IEnumerable<(string Path, string Text)> sources)
    {
        string source = "(no file)";
        var settings = new WatchdogSettings();
        var devices = new List<DeviceSelector>();
        var checks = new List<CommandSpec>();
        var healthChecks = new List<HealthCheckReference>();
        List<string>? builtins = null;
        string? gpioChip = null;
        uint? gpioLine = null;
        var gpio = new GpioWatchdogSettings { Chip = "", Line = 0 };
        int number = 0;

        foreach (var (path, text) in sources)
        {
            source = path;
            number = 0;
            bool inSection = false;
            foreach (string raw in text.Split('\n'))
            {
                number++;
                string line = raw.Trim();
                if (line.Length == 0 || line[0] is '#' or ';')
                {
                    continue;
                }

                if (line[0] == '[')
                {
                    if (!line.EndsWith(']'))
                    {
                        throw new WatchdogConfigException(source, number, $"section header '{line}' has no closing ']'");
                    }

                    inSection = line[1..^1].Trim() == Section;
                    continue;
                }

                if (!inSection)
                {
                    continue;
                }

                int equals = line.IndexOf('=');
                if (equals <= 0)
                {
                    throw new WatchdogConfigException(source, number, $"expected Key=Value, got '{line}'");
                }

                string key = line[..equals].Trim();
                string value = line[(equals + 1)..].Trim();
                int at = number;
                T Value<T>(Func<string, T> parse)
                {
                    try
                    {
                        return parse(value);
                    }
                    catch (FormatException e)
                    {
                        throw new WatchdogConfigException(source, at, $"{key}: {e.Message}");
                    }
                }

                switch (key)
                {
                    case "Device":
                        if (value.Length == 0) { devices.Clear(); } else { devices.Add(DeviceSelector.Parse(value)); }
                        break;
                    case "Timeout":
                        settings = settings with { TimeoutSeconds = Value(v => Integer(v, 1, 65535)) };
                        break;
                    case "Pretimeout":
                        settings = settings with { PretimeoutSeconds = Value(v => Integer(v, 0, 65535)) };
                        break;
                    case "PretimeoutGovernor":
                        settings = settings with { PretimeoutGovernor = value.Length == 0 ? null : value };
                        break;
                    case "Interval":
                        settings = settings with { Interval = Value(Duration) };
                        break;
                    case "MagicCloseOnStop":
                        settings = settings with { MagicCloseOnStop = Value(Boolean) };
                        break;
                    case "Grace":
                        settings = settings with { Grace = Value(Duration) };
                        break;
                    case "Repair":
                        settings = settings with { Repair = value.Length == 0 ? null : Value(Command) };
                        break;
                    case "RepairTimeout":
                        settings = settings with { RepairTimeout = Value(Duration) };
                        break;
                    case "CheckInterval":
                        settings = settings with { CheckInterval = Value(Duration) };
                        break;
                    case "CheckTimeout":
                        settings = settings with { CheckTimeout = Value(Duration) };
                        break;
                    case "Check":
                        if (value.Length == 0) { checks.Clear(); } else { checks.Add(Value(Command)); }
                        break;
                    case "HealthCheck":
                        if (value.Length == 0) { healthChecks.Clear(); } else { healthChecks.Add(new HealthCheckReference(Value(CheckSectionName), source, number)); }
                        break;
                    case "BuiltinChecks":
                        builtins = Value(ParseBuiltins);
                        break;
                    case "MaxTemperature":
                        settings = settings with { MaxTemperatureCelsius = Value(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)) };
                        break;
                    case "MaxCorrectedErrorsPerInterval":
                        settings = settings with { MaxCorrectedErrorsPerInterval = Value(v => Integer(v, 0, int.MaxValue)) };
                        break;
                    case "MaxFileDescriptorPercent":
                        settings = settings with { MaxFileDescriptorPercent = Value(v => Integer(v, 1, 100)) };
                        break;
                    case "OutputLimitBytes":
                        settings = settings with { OutputLimitBytes = Value(v => Integer(v, 64, 64 * 1024 * 1024)) };
                        break;
                    case "RealtimePriority":
                        settings = settings with { RealtimePriority = value is "" or "no" ? null : Value(v => Integer(v, 1, 99)) };
                        break;
                    case "LockMemory":
                        settings = settings with { LockMemory = Value(Boolean) };
                        break;
                    case "OomScoreAdjust":
                        settings = settings with { OomScoreAdjust = value.Length == 0 ? null : Value(v => Integer(v, -1000, 1000)) };
                        break;
                    case "GpioChip":
                        gpioChip = value.Length == 0 ? null : Value(GpioChipPath.Parse);
                        break;
                    case "GpioLine":
                        gpioLine = (uint)Value(v => Integer(v, 0, 63));
                        break;
                    case "GpioMode":
                        gpio = gpio with { Mode = Value(v => v switch { "toggle" => GpioPetMode.Toggle, "pulse" => GpioPetMode.Pulse, _ => throw new FormatException($"expected toggle or pulse, got '{v}'") }) };
                        break;
                    case "GpioPulse":
                        gpio = gpio with { Pulse = Value(Duration) };
                        break;
                    case "GpioTimeout":
                        gpio = gpio with { Timeout = Value(Duration) };
                        break;
                    case "GpioActiveLow":
                        gpio = gpio with { ActiveLow = Value(Boolean) };
                        break;
                    case "Board":
                        settings = settings with { Board = value.Length == 0 ? "auto" : value };
                        break;
                    case "StatusLed":
                        var led = Value(StatusLedSettings.Parse);
                        settings = settings with { StatusLed = led, StatusLedDisabled = led is null };
                        break;
                    default:
                        throw new WatchdogConfigException(source, number, $"unknown key '{key}' in [{Section}]; see 'appliance watchdog run --help' for the keys");
                }
            }
        }

        if (gpioChip is not null)
        {
            if (gpioLine is null)
            {
                throw new WatchdogConfigException(source, number, "GpioChip is set but GpioLine is not; give the line offset of the watchdog's WDI input");
            }

            settings = settings with { Gpio = gpio with { Chip = gpioChip, Line = gpioLine.Value } };
        }

        settings = settings with { Devices = devices, Checks = checks, HealthCheckNames = healthChecks, BuiltinChecks = builtins ?? new List<string>(BuiltinChecks.All) };
        return Validate(settings, source, number);
    }

    /// <summary>
    /// Resolves <c>HealthCheck=NAME</c> to the <c>[Check:NAME]</c> sections of the same files
    /// (<paramref name="sections"/>: ApplianceConfig.BuiltinChecks), so one sensor or limit is
    /// written once and judged alike by the boot validator and the daemon. A name with no
    /// section is an error; a disabled section is left out, as the validator leaves it out.
    /// </summary>
    public static WatchdogSettings WithHealthChecks(WatchdogSettings settings, IReadOnlyList<Health.BuiltinCheckSettings> sections)
    {
        var resolved = new List<Health.BuiltinCheckSettings>();
        foreach (var (name, source, line) in settings.HealthCheckNames)
        {
            var section = sections.Find(c => c.Name == name)
                ?? throw new WatchdogConfigException(source, line, $"HealthCheck={name} names no [Check:{name}] section in appliance.conf or its drop-ins; add one (Type= and its limits) or remove the key");
            if (section.Enabled)
            {
                resolved.Add(section);
            }
        }

        return settings with { HealthChecks = resolved };
    }

    private static string CheckSectionName(string value) =>
        value.AsSpan().IndexOfAny(" \t[]=") < 0
            ? value
            : throw new FormatException($"expected the NAME of a [Check:NAME] section, got '{value}'");

    /// <summary>Cross-key rules, checked after the whole section is read.</summary>
    private static WatchdogSettings Validate(WatchdogSettings s, string source, int lastLine)
    {
        if (s.PretimeoutSeconds is { } pre && s.TimeoutSeconds is { } timeout && pre >= timeout)
        {
            throw new WatchdogConfigException(source, lastLine, $"Pretimeout={pre} must be less than Timeout={timeout}: the pretimeout fires that many seconds before the reset");
        }

        if (s.Gpio is { Mode: GpioPetMode.Pulse } g && g.Pulse >= g.Timeout / 2)
        {
            throw new WatchdogConfigException(source, lastLine, $"GpioPulse={g.Pulse.TotalMilliseconds} ms must be under half of GpioTimeout={g.Timeout.TotalMilliseconds} ms");
        }

        if (s.Interval is { } interval && interval < TimeSpan.FromMilliseconds(10))
        {
            throw new WatchdogConfigException(source, lastLine, "Interval must be at least 10ms");
        }

        return s;
    }

    private static List<string> ParseBuiltins(string value)
    {
        var names = new List<string>(value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries));
        if (names is ["none"])
        {
            return [];
        }

        foreach (string name in names)
        {
            if (!BuiltinChecks.All.Exists(c => c == name))
            {
                throw new FormatException($"unknown check '{name}'; the built-in checks are {string.Join(", ", BuiltinChecks.All)} (or none)");
            }
        }

        return names;
    }

    private static int Integer(string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
        {
            throw new FormatException($"expected a whole number from {min} to {max}, got '{value}'");
        }

        return n;
    }

    /// <summary>yes/no, true/false, on/off, 1/0, as systemd accepts.</summary>
    public static bool Boolean(string value) => value.ToLowerInvariant() switch
    {
        "yes" or "true" or "on" or "1" => true,
        "no" or "false" or "off" or "0" => false,
        _ => throw new FormatException($"expected yes or no, got '{value}'"),
    };

    /// <summary>A time span as systemd writes them: <c>500ms</c>, <c>5s</c>, <c>2min</c>, <c>1h</c>; a bare number is seconds.</summary>
    public static TimeSpan Duration(string value)
    {
        string v = value.Trim();
        int end = 0;
        while (end < v.Length && (char.IsAsciiDigit(v[end]) || v[end] == '.'))
        {
            end++;
        }

        if (end == 0 || !double.TryParse(v[..end], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n))
        {
            throw new FormatException($"expected a duration such as 500ms, 5s or 2min, got '{value}'");
        }

        double ms = v[end..].Trim() switch
        {
            "ms" => n,
            "" or "s" or "sec" => n * 1000,
            "m" or "min" => n * 60_000,
            "h" => n * 3_600_000,
            _ => throw new FormatException($"unknown unit in '{value}'; use ms, s, min or h"),
        };
        return TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>Splits a command line into program and arguments: whitespace separates, double quotes group, backslash escapes inside quotes. No expansion of any kind.</summary>
    public static CommandSpec Command(string value)
    {
        var words = new List<string>();
        var word = new StringBuilder();
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
            throw new FormatException($"unterminated quote in '{value}'");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        if (words.Count == 0 || !words[0].StartsWith('/'))
        {
            throw new FormatException($"expected an absolute program path and its arguments, got '{value}' (commands run without a shell or PATH search)");
        }

        return new CommandSpec(words[0], words.GetRange(1, words.Count - 1));
    }
}
