using Appliance.Core.Collections;

namespace Appliance.Core.Watchdog;

/// <summary>Which watchdog device to use: a path (e.g. <c>/dev/watchdog1</c>) or the driver's identity string, since indexes change with probe order.</summary>
public sealed record DeviceSelector(string? Path, string? Identity)
{
    public static DeviceSelector ByPath(string path) => new(path, null);

    public static DeviceSelector ByIdentity(string identity) => new(null, identity);

    /// <summary>Config syntax: a value starting with '/' is a path, <c>identity:TEXT</c> (or any other text) an identity.</summary>
    public static DeviceSelector Parse(string value)
    {
        if (value.StartsWith('/'))
        {
            return ByPath(value);
        }

        const string Prefix = "identity:";
        return ByIdentity(value.StartsWith(Prefix, StringComparison.Ordinal) ? value[Prefix.Length..] : value);
    }

    public override string ToString() => Path ?? $"identity:{Identity}";
}

/// <summary>A program and its arguments, run directly with execve: no shell, so nothing in it is expanded.</summary>
public sealed record CommandSpec(string Program, IReadOnlyList<string> Arguments)
{
    public override string ToString() => string.Join(' ', [Program, .. Arguments]);

    public bool Equals(CommandSpec? other) =>
        other is not null && Program == other.Program && Arguments.SameItems(other.Arguments);

    public override int GetHashCode() => Program.GetHashCode(StringComparison.Ordinal);
}

/// <summary>How an external watchdog chip on a GPIO line is kept alive.</summary>
public enum GpioPetMode
{
    /// <summary>Flip the line on every pet: TPS3823-style WDI inputs want a transition within their timeout.</summary>
    Toggle,

    /// <summary>Drive the line active for <see cref="GpioWatchdogSettings.Pulse"/>, then inactive again.</summary>
    Pulse,
}

/// <summary>An external watchdog chip whose kick input is a GPIO line.</summary>
public sealed record GpioWatchdogSettings
{
    /// <summary>The GPIO character device, <c>/dev/gpiochipN</c> (<see cref="GpioChipPath"/>).</summary>
    public required string Chip { get; init; }

    public required uint Line { get; init; }

    public GpioPetMode Mode { get; init; } = GpioPetMode.Toggle;

    public TimeSpan Pulse { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>The chip's own timeout from its datasheet (TPS3823: 1.6 s typical, 0.9 s minimum); the daemon pets well inside it.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(900);

    public bool ActiveLow { get; init; }
}

/// <summary>Where a status LED is: a sysfs LED class device or a GPIO line.</summary>
public sealed record StatusLedSettings(string? SysfsName, string? GpioChip, uint GpioLine)
{
    /// <summary>Config syntax: <c>led:NAME</c> (a <c>/sys/class/leds</c> entry), <c>gpio:CHIP:LINE</c>, or <c>none</c>.</summary>
    public static StatusLedSettings? Parse(string value)
    {
        if (value == "none")
        {
            return null;
        }

        if (value.StartsWith("led:", StringComparison.Ordinal) && value.Length > 4)
        {
            return new StatusLedSettings(value[4..], null, 0);
        }

        if (value.StartsWith("gpio:", StringComparison.Ordinal))
        {
            int colon = value.LastIndexOf(':');
            if (colon > 5 && uint.TryParse(value[(colon + 1)..], out uint line))
            {
                return new StatusLedSettings(null, GpioChipPath.Parse(value[5..colon]), line);
            }
        }

        throw new FormatException($"expected led:NAME, gpio:CHIP:LINE or none, got '{value}'");
    }
}

/// <summary>The built-in failure-avoidance checks: they catch a machine on its way to failing, before a hang.</summary>
public static class BuiltinChecks
{
    public const string Temperature = "temperature";
    public const string Edac = "edac";
    public const string FileDescriptors = "fds";

    public static IReadOnlyList<string> All { get; } = [Temperature, Edac, FileDescriptors];
}

/// <summary>
/// Everything <c>appliance watchdog run</c> is configured with: the <c>[Watchdog]</c> section
/// (Appliance.Core.Config.WatchdogSchema reads it).
/// Defaults are chosen so that an empty section pets the board's watchdog safely.
/// </summary>
public sealed record WatchdogSettings
{
    /// <summary>Devices to open; empty means the board profile's, or <c>/dev/watchdog0</c>.</summary>
    public IReadOnlyList<DeviceSelector> Devices { get; init; } = [];

    /// <summary>Seconds to set with WDIOC_SETTIMEOUT; null keeps the driver's.</summary>
    public int? TimeoutSeconds { get; init; }

    public int? PretimeoutSeconds { get; init; }

    /// <summary>Written to sysfs <c>pretimeout_governor</c>, e.g. <c>panic</c> (drivers/watchdog/pretimeout_panic.c) or <c>noop</c>.</summary>
    public string? PretimeoutGovernor { get; init; }

    /// <summary>Pet interval; null means half the shortest timeout in play.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>Disarm (write 'V', then close) on SIGTERM. Off: stopping the daemon lets the watchdog fire, which is what an appliance wants from a stop nobody planned.</summary>
    public bool MagicCloseOnStop { get; init; }

    /// <summary>How long the machine may be unhealthy before the repair hook runs (or, without one, petting stops).</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(60);

    public CommandSpec? Repair { get; init; }

    public TimeSpan RepairTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan CheckTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>External health checks, each run directly, each on its own thread.</summary>
    public IReadOnlyList<CommandSpec> Checks { get; init; } = [];

    /// <summary><c>HealthCheck=NAME</c>, in order: the enabled <c>[Check:NAME]</c> sections the daemon runs too.</summary>
    public IReadOnlyList<Health.BuiltinCheckSettings> HealthChecks { get; init; } = [];

    public IReadOnlyList<string> BuiltinChecks { get; init; } = Watchdog.BuiltinChecks.All;

    /// <summary>Fail above this temperature even below the sensor's own critical trip point.</summary>
    public double? MaxTemperatureCelsius { get; init; }

    /// <summary>More corrected memory errors than this between two EDAC checks fails the check: a DIMM about to go uncorrectable.</summary>
    public long MaxCorrectedErrorsPerInterval { get; init; } = 10;

    /// <summary>Fail when this share of <c>fs.file-max</c> is allocated.</summary>
    public int MaxFileDescriptorPercent { get; init; } = 90;

    /// <summary>Cap on the output kept from one external check or repair; a check printing 100 MB costs this much and no more.</summary>
    public int OutputLimitBytes { get; init; } = 16 * 1024;

    /// <summary>SCHED_FIFO priority (1-99) for the pet thread; null leaves it SCHED_OTHER.</summary>
    public int? RealtimePriority { get; init; }

    /// <summary>mlockall(MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT): once touched, the pet path never waits on a page-in under memory pressure.</summary>
    public bool LockMemory { get; init; }

    /// <summary>Written to /proc/self/oom_score_adj; -1000 makes the OOM killer pass the daemon by.</summary>
    public int? OomScoreAdjust { get; init; }

    public GpioWatchdogSettings? Gpio { get; init; }

    /// <summary>Board profile name, or <c>auto</c> to detect it from DMI and the device tree, or <c>none</c>.</summary>
    public string Board { get; init; } = "auto";

    /// <summary>Overrides the board's status LED; null uses the board's.</summary>
    public StatusLedSettings? StatusLed { get; init; }

    /// <summary>True when <c>StatusLed=none</c> was given: no LED even if the board has one.</summary>
    public bool StatusLedDisabled { get; init; }
}
