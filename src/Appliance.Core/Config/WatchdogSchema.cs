using Appliance.Core.Collections;
using Appliance.Core.Health;
using Appliance.Core.Text;
using Appliance.Core.Watchdog;

namespace Appliance.Core.Config;

/// <summary>
/// <c>[Watchdog]</c> while it is read: the settings, and the GPIO keys that only make a
/// <see cref="GpioWatchdogSettings"/> together (GpioChip= needs GpioLine=).
/// </summary>
internal sealed record WatchdogDraft(WatchdogSettings Settings, string? GpioChip, uint? GpioLine, GpioWatchdogSettings Gpio)
{
    public static WatchdogDraft Defaults { get; } = new(new WatchdogSettings(), null, null, new GpioWatchdogSettings { Chip = "", Line = 0 });

    public WatchdogSettings Build() =>
        GpioChip is { } chip && GpioLine is { } line ? Settings with { Gpio = Gpio with { Chip = chip, Line = line } } : Settings;
}

/// <summary>The keys of <c>[Watchdog]</c>, read by the same grammar and value syntax as every other section.</summary>
internal static class WatchdogSchema
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Millisecond = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// <paramref name="checks"/>: the <c>[Check:NAME]</c> sections of the same files, which
    /// <c>HealthCheck=NAME</c> names, so one sensor and one limit are written once and judged
    /// alike by the boot validator and the daemon.
    /// </summary>
    public static SectionSchema<WatchdogDraft> Create(IReadOnlyList<BuiltinCheckSettings> checks) => new(
        [
            Key("Device", (s, v) => s with { Devices = v.Length == 0 ? [] : [.. s.Devices, DeviceSelector.Parse(v)] }),
            Key("Board", (s, v) => s with { Board = v.Length == 0 ? "auto" : v }),
            Key("Timeout", (s, v) => s with { TimeoutSeconds = ConfigValues.OptionalInteger(v, 1, 65535) }),
            Key("Pretimeout", (s, v) => s with { PretimeoutSeconds = ConfigValues.OptionalInteger(v, 0, 65535) }),
            Key("PretimeoutGovernor", (s, v) => s with { PretimeoutGovernor = v.Length == 0 ? null : Governor(v) }),
            Key("Interval", (s, v) => s with { Interval = v.Length == 0 ? null : ConfigValues.Seconds(v, 10 * Millisecond, Hour, TimeSpan.Zero) }),
            Key("MagicCloseOnStop", (s, v) => s with { MagicCloseOnStop = ConfigValues.Boolean(v, false) }),
            Key("Grace", (s, v) => s with { Grace = ConfigValues.Seconds(v, TimeSpan.Zero, Day, Default.Grace) }),
            Key("Repair", (s, v) => s with { Repair = v.Length == 0 ? null : ConfigValues.Command(v) }),
            Key("RepairTimeout", (s, v) => s with { RepairTimeout = ConfigValues.Seconds(v, TimeSpan.FromSeconds(1), Day, Default.RepairTimeout) }),
            Key("CheckInterval", (s, v) => s with { CheckInterval = ConfigValues.Seconds(v, 100 * Millisecond, Day, Default.CheckInterval) }),
            Key("CheckTimeout", (s, v) => s with { CheckTimeout = ConfigValues.Seconds(v, 100 * Millisecond, Day, Default.CheckTimeout) }),
            Key("Check", (s, v) => s with { Checks = v.Length == 0 ? [] : [.. s.Checks, ConfigValues.Command(v)] }),
            Key("HealthCheck", (s, v) => s with { HealthChecks = v.Length == 0 ? [] : [.. s.HealthChecks, .. Named(checks, v)] }),
            Key("BuiltinChecks", (s, v) => s with { BuiltinChecks = v.Length == 0 ? Default.BuiltinChecks : Builtins(v) }),
            Key("MaxTemperature", (s, v) => s with { MaxTemperatureCelsius = ConfigValues.OptionalNumber(v, 0, 200) }),
            Key("MaxCorrectedErrorsPerInterval", (s, v) => s with { MaxCorrectedErrorsPerInterval = ConfigValues.Integer(v, 0, int.MaxValue, (int)Default.MaxCorrectedErrorsPerInterval) }),
            Key("MaxFileDescriptorPercent", (s, v) => s with { MaxFileDescriptorPercent = ConfigValues.Integer(v, 1, 100, Default.MaxFileDescriptorPercent) }),
            Key("OutputLimitBytes", (s, v) => s with { OutputLimitBytes = ConfigValues.Bytes(v, 64, 64 << 20, Default.OutputLimitBytes) }),
            Key("RealtimePriority", (s, v) => s with { RealtimePriority = v == "no" ? null : ConfigValues.OptionalInteger(v, 1, 99) }),
            Key("LockMemory", (s, v) => s with { LockMemory = ConfigValues.Boolean(v, false) }),
            Key("OomScoreAdjust", (s, v) => s with { OomScoreAdjust = ConfigValues.OptionalInteger(v, -1000, 1000) }),
            Key("StatusLed", (s, v) => Led(s, v)),
            new("GpioChip", (d, v, _) => d with { GpioChip = v.Length == 0 ? null : Checked(() => GpioChipPath.Parse(v)) }),
            new("GpioLine", (d, v, _) => d with { GpioLine = ConfigValues.OptionalInteger(v, 0, 63) is { } line ? (uint)line : null }),
            new("GpioMode", (d, v, _) => d with { Gpio = d.Gpio with { Mode = GpioMode(v) } }),
            new("GpioPulse", (d, v, _) => d with { Gpio = d.Gpio with { Pulse = ConfigValues.Seconds(v, TimeSpan.FromTicks(10), TimeSpan.FromSeconds(10), Millisecond) } }),
            new("GpioTimeout", (d, v, _) => d with { Gpio = d.Gpio with { Timeout = ConfigValues.Seconds(v, 10 * Millisecond, Hour, WatchdogDraft.Defaults.Gpio.Timeout) } }),
            new("GpioActiveLow", (d, v, _) => d with { Gpio = d.Gpio with { ActiveLow = ConfigValues.Boolean(v, false) } }),
        ],
        Problems);

    private static WatchdogSettings Default { get; } = new();

    private static ConfigKey<WatchdogDraft> Key(string name, Func<WatchdogSettings, string, WatchdogSettings> set) =>
        new(name, (d, v, _) => d with { Settings = set(d.Settings, v) });

    /// <summary>Cross-key rules, reported where the section was last changed.</summary>
    private static IEnumerable<string> Problems(WatchdogDraft d)
    {
        var s = d.Build();
        if (d.GpioChip is not null && d.GpioLine is null)
        {
            yield return "GpioChip is set but GpioLine is not; give the line offset of the watchdog's WDI input";
        }

        if (s.PretimeoutSeconds is { } pre && s.TimeoutSeconds is { } timeout && pre >= timeout)
        {
            yield return $"Pretimeout={pre} must be less than Timeout={timeout}: the pretimeout fires that many seconds before the reset";
        }

        if (s.Gpio is { Mode: GpioPetMode.Pulse } g && g.Pulse >= g.Timeout / 2)
        {
            yield return $"GpioPulse={g.Pulse.TotalMilliseconds} ms must be under half of GpioTimeout={g.Timeout.TotalMilliseconds} ms";
        }
    }

    private static string Governor(string value) =>
        Pretimeout.IsGovernor(value) ? value
            : throw new ConfigValueException($"expected one of {string.Join(", ", Pretimeout.Governors)} (drivers/watchdog/pretimeout_*.c), got '{value}'");

    private static IEnumerable<BuiltinCheckSettings> Named(IReadOnlyList<BuiltinCheckSettings> checks, string name)
    {
        var section = checks.Find(c => c.Name == name)
            ?? throw new ConfigValueException($"no [Check:{name}] section in appliance.conf or its drop-ins{Suggest.Hint(name, checks.Map(c => c.Name))}; add one (Type= and its limits) or remove the key");

        // A disabled section is left out, as the validator leaves it out.
        return section.Enabled ? [section] : [];
    }

    private static List<string> Builtins(string value)
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
                throw new ConfigValueException($"unknown check '{name}'; the built-in checks are {string.Join(", ", BuiltinChecks.All)} (or none)");
            }
        }

        return names;
    }

    private static WatchdogSettings Led(WatchdogSettings s, string value)
    {
        if (value.Length == 0)
        {
            return s with { StatusLed = null, StatusLedDisabled = false };
        }

        var led = Checked(() => StatusLedSettings.Parse(value));
        return s with { StatusLed = led, StatusLedDisabled = led is null };
    }

    private static GpioPetMode GpioMode(string value) => value switch
    {
        "" or "toggle" => GpioPetMode.Toggle,
        "pulse" => GpioPetMode.Pulse,
        _ => throw new ConfigValueException("expected toggle or pulse"),
    };

    /// <summary>The value types' own parsers say what they accept with a FormatException.</summary>
    private static T Checked<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException e)
        {
            throw new ConfigValueException(e.Message);
        }
    }
}
