using System.Text.Json.Serialization;
using Appliance.Core.Collections;

namespace Appliance.Core.Watchdog;

/// <summary>
/// A board's watchdog facts, as data (<c>boards/NAME/watchdog.json</c>): how to recognise it,
/// which watchdogs it has, an external chip on a GPIO line, and its status LED. Members a file
/// leaves out arrive as null from the JSON source generator's initializer, hence the null-coalescing setters.
/// Keys are snake_case; the Legacy* members still accept the camelCase spellings earlier releases
/// documented, so an operator's own profile keeps working. They are never written.
/// </summary>
public sealed record BoardProfile
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("description")]
    public string Description { get; init => field = value ?? ""; } = "";

    [JsonPropertyName("match")]
    public BoardMatch Match { get; init => field = value ?? new(); } = new();

    [JsonPropertyName("watchdogs")]
    public IReadOnlyList<BoardWatchdog> Watchdogs { get; init => field = value ?? []; } = [];

    [JsonPropertyName("gpio_watchdog")]
    public BoardGpioWatchdog? GpioWatchdog { get; init; }

    /// <summary>Config syntax of <c>StatusLed=</c>: <c>led:NAME</c> or <c>gpio:CHIP:LINE</c>.</summary>
    [JsonPropertyName("status_led")]
    public string? StatusLed { get; init; }

    [JsonPropertyName("gpioWatchdog"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal BoardGpioWatchdog? LegacyGpioWatchdog { get => null; init => GpioWatchdog ??= value; }

    [JsonPropertyName("statusLed"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal string? LegacyStatusLed { get => null; init => StatusLed ??= value; }
}

/// <summary>How a board is recognised; any one rule matching is enough.</summary>
public sealed record BoardMatch
{
    /// <summary>Device-tree compatible strings (<c>/proc/device-tree/compatible</c>), most specific first.</summary>
    [JsonPropertyName("compatible")]
    public IReadOnlyList<string> Compatible { get; init => field = value ?? []; } = [];

    /// <summary>DMI <c>product_name</c> prefixes.</summary>
    [JsonPropertyName("dmi_product_name")]
    public IReadOnlyList<string> DmiProductName { get; init => field = value ?? []; } = [];

    /// <summary>DMI <c>sys_vendor</c> values; with a product name, both must match.</summary>
    [JsonPropertyName("dmi_sys_vendor")]
    public IReadOnlyList<string> DmiSysVendor { get; init => field = value ?? []; } = [];

    /// <summary>Matches any machine with DMI tables when nothing more specific does (generic PCs).</summary>
    [JsonPropertyName("any_dmi")]
    public bool AnyDmi { get; init; }

    [JsonPropertyName("dmiProductName"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal IReadOnlyList<string>? LegacyDmiProductName { get => null; init => DmiProductName = value ?? DmiProductName; }

    [JsonPropertyName("dmiSysVendor"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal IReadOnlyList<string>? LegacyDmiSysVendor { get => null; init => DmiSysVendor = value ?? DmiSysVendor; }

    [JsonPropertyName("anyDmi"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal bool? LegacyAnyDmi { get => null; init => AnyDmi = value ?? AnyDmi; }
}

public sealed record BoardWatchdog
{
    /// <summary>The driver's watchdog_info.identity, which sysfs <c>identity</c> shows.</summary>
    [JsonPropertyName("identity")]
    public required string Identity { get; init; }

    [JsonPropertyName("driver")]
    public string Driver { get; init; } = "";

    [JsonPropertyName("module")]
    public string? Module { get; init; }

    /// <summary>The timeout to set; null keeps the driver's default.</summary>
    [JsonPropertyName("timeout_seconds")]
    public int? TimeoutSeconds { get; init; }

    [JsonPropertyName("max_timeout_seconds")]
    public int? MaxTimeoutSeconds { get; init; }

    [JsonPropertyName("notes")]
    public string? Notes { get; init; }

    [JsonPropertyName("timeoutSeconds"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal int? LegacyTimeoutSeconds { get => null; init => TimeoutSeconds ??= value; }

    [JsonPropertyName("maxTimeoutSeconds"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal int? LegacyMaxTimeoutSeconds { get => null; init => MaxTimeoutSeconds ??= value; }
}

public sealed record BoardGpioWatchdog
{
    [JsonPropertyName("chip")]
    public required string Chip { get; init; }

    [JsonPropertyName("line")]
    public required uint Line { get; init; }

    [JsonPropertyName("mode")]
    public string Mode { get; init => field = value ?? "toggle"; } = "toggle";

    /// <summary>
    /// Read and written through <see cref="JsonPulseMs"/>: the source generator assigns every
    /// accessible init-only property, so a left-out key would arrive as 0, not the default;
    /// a private init keeps it out of the generated initializer.
    /// </summary>
    [JsonIgnore]
    public int PulseMs { get; private init; } = 1;

    /// <summary>Read and written through <see cref="JsonTimeoutMs"/>, for the same reason.</summary>
    [JsonIgnore]
    public int TimeoutMs { get; private init; } = 900;

    [JsonPropertyName("pulse_ms"), JsonInclude]
    internal int? JsonPulseMs { get => PulseMs; init => PulseMs = value ?? PulseMs; }

    [JsonPropertyName("timeout_ms"), JsonInclude]
    internal int? JsonTimeoutMs { get => TimeoutMs; init => TimeoutMs = value ?? TimeoutMs; }

    [JsonPropertyName("active_low")]
    public bool ActiveLow { get; init; }

    [JsonPropertyName("chip_model")]
    public string? ChipModel { get; init; }

    [JsonPropertyName("pulseMs"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal int? LegacyPulseMs { get => null; init => PulseMs = value ?? PulseMs; }

    [JsonPropertyName("timeoutMs"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal int? LegacyTimeoutMs { get => null; init => TimeoutMs = value ?? TimeoutMs; }

    [JsonPropertyName("activeLow"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal bool? LegacyActiveLow { get => null; init => ActiveLow = value ?? ActiveLow; }

    [JsonPropertyName("chipModel"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal string? LegacyChipModel { get => null; init => ChipModel ??= value; }

    public GpioWatchdogSettings ToSettings() => new()
    {
        Chip = Chip,
        Line = Line,
        Mode = Mode == "pulse" ? GpioPetMode.Pulse : GpioPetMode.Toggle,
        Pulse = TimeSpan.FromMilliseconds(PulseMs),
        Timeout = TimeSpan.FromMilliseconds(TimeoutMs),
        ActiveLow = ActiveLow,
    };
}

/// <summary>What the machine says about itself: DMI strings (x86, arm64 servers) and device-tree compatibles (most SBCs).</summary>
public sealed record MachineIdentity(string? DmiProductName, string? DmiSysVendor, IReadOnlyList<string> Compatible)
{
    /// <summary>/proc/device-tree/compatible is a list of NUL-terminated strings (devicetree specification, 2.3.1).</summary>
    public static IReadOnlyList<string> ParseCompatible(ReadOnlySpan<byte> bytes) =>
        System.Text.Encoding.UTF8.GetString(bytes).Split('\0', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Picks the board profile for a machine.</summary>
public static class BoardDetector
{
    /// <summary>
    /// The best match: a device-tree compatible beats DMI (earlier, more specific compatibles
    /// beat later ones), DMI product name and vendor beat vendor alone, and an <c>any_dmi</c>
    /// profile comes last. Null when nothing matches. Ties go to the first name in ordinal order.
    /// </summary>
    public static BoardProfile? Detect(IEnumerable<BoardProfile> profiles, MachineIdentity machine)
    {
        BoardProfile? best = null;
        int bestScore = 0;
        foreach (var profile in profiles.SortedBy(p => p.Name, StringComparer.Ordinal))
        {
            int score = Score(profile.Match, machine);
            if (score > bestScore)
            {
                best = profile;
                bestScore = score;
            }
        }

        return best;
    }

    private static int Score(BoardMatch match, MachineIdentity machine)
    {
        for (int i = 0; i < machine.Compatible.Count; i++)
        {
            if (match.Compatible.Exists(c => string.Equals(c, machine.Compatible[i], StringComparison.Ordinal)))
            {
                return 10_000 - i;
            }
        }

        bool vendor = machine.DmiSysVendor is { } v && match.DmiSysVendor.Exists(m => string.Equals(m, v.Trim(), StringComparison.OrdinalIgnoreCase));
        bool product = machine.DmiProductName is { } p && match.DmiProductName.Exists(m => p.Trim().StartsWith(m, StringComparison.OrdinalIgnoreCase));
        if (product && (vendor || match.DmiSysVendor.Count == 0))
        {
            return 500;
        }

        if (vendor && match.DmiProductName.Count == 0)
        {
            return 100;
        }

        return match.AnyDmi && (machine.DmiProductName is not null || machine.DmiSysVendor is not null) ? 1 : 0;
    }
}
