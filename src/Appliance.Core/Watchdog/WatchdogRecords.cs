using System.Text.Json.Serialization;

namespace Appliance.Core.Watchdog;

// The records below are files the daemon keeps (reset-cause.json, last-stop.json, state.json).
// Their keys were camelCase in earlier releases; the Legacy* members read those spellings so a file an older
// daemon wrote is still understood after a package upgrade (the daemon restarts and reads last-stop.json,
// and `watchdog status` reads the old daemon's state.json). They always serialize as null and are left out,
// so files are written snake_case only. A file holds one spelling or the other, never both.

/// <summary>One device's reset cause as read at daemon start: sysfs before opening, the ioctl after.</summary>
public sealed record DeviceResetCause
{
    [JsonPropertyName("device")]
    public required string Device { get; init; }

    [JsonPropertyName("identity")]
    public string? Identity { get; init; }

    [JsonPropertyName("sysfs_bootstatus")]
    public uint? SysfsBootStatus { get; init; }

    [JsonPropertyName("ioctl_bootstatus")]
    public uint? IoctlBootStatus { get; init; }

    [JsonPropertyName("causes")]
    public required IReadOnlyList<string> Causes { get; init; }

    [JsonPropertyName("sysfsBootstatus"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal uint? LegacySysfsBootStatus { get => null; init => SysfsBootStatus ??= value; }

    [JsonPropertyName("ioctlBootstatus"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal uint? LegacyIoctlBootStatus { get => null; init => IoctlBootStatus ??= value; }
}

/// <summary><c>reset-cause.json</c>: why this boot happened, per watchdog.</summary>
public sealed record ResetCauseRecord
{
    /// <summary>Not <c>required</c>: a file from an older daemon has <c>bootId</c> instead (<see cref="LegacyBootId"/>).</summary>
    [JsonPropertyName("boot_id")]
    public string BootId { get; init => field = value ?? field; } = "";

    [JsonPropertyName("recorded_at")]
    public DateTimeOffset RecordedAt { get; init; }

    /// <summary>"watchdog reset" when any device says so, else the other causes, else "power-on or unknown".</summary>
    [JsonPropertyName("cause")]
    public required string Cause { get; init; }

    [JsonPropertyName("devices")]
    public required IReadOnlyList<DeviceResetCause> Devices { get; init; }

    [JsonPropertyName("bootId"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal string? LegacyBootId { get => null; init => BootId = value ?? BootId; }

    [JsonPropertyName("recordedAt"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal DateTimeOffset? LegacyRecordedAt { get => null; init => RecordedAt = value ?? RecordedAt; }

    public static string Summarize(IEnumerable<DeviceResetCause> devices)
    {
        var causes = new List<string>();
        var seen = new HashSet<string>();
        foreach (DeviceResetCause device in devices)
        {
            foreach (string cause in device.Causes)
            {
                if (seen.Add(cause))
                {
                    causes.Add(cause);
                }
            }
        }

        return causes.Count == 0 ? "power-on or unknown" : string.Join(", ", causes);
    }
}

/// <summary><c>last-stop.json</c>: why the daemon stopped petting on purpose.</summary>
public sealed record LastStopRecord
{
    /// <summary>Not <c>required</c>: a file from an older daemon has <c>bootId</c> instead (<see cref="LegacyBootId"/>).</summary>
    [JsonPropertyName("boot_id")]
    public string BootId { get; init => field = value ?? field; } = "";

    [JsonPropertyName("stopped_at")]
    public DateTimeOffset StoppedAt { get; init; }

    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    [JsonPropertyName("failures")]
    public IReadOnlyList<string> Failures { get; init; } = [];

    [JsonPropertyName("repair")]
    public string? Repair { get; init; }

    [JsonPropertyName("bootId"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal string? LegacyBootId { get => null; init => BootId = value ?? BootId; }

    [JsonPropertyName("stoppedAt"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal DateTimeOffset? LegacyStoppedAt { get => null; init => StoppedAt = value ?? StoppedAt; }
}

/// <summary>One pet target as <c>state.json</c> lists it.</summary>
public sealed record PetTargetState
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    [JsonPropertyName("timeout_seconds")]
    public int? TimeoutSeconds { get; init; }

    [JsonPropertyName("last_error")]
    public string? LastError { get; init; }

    /// <summary>As set and read back (WDIOC_GETPRETIMEOUT); null when none was set.</summary>
    [JsonPropertyName("pretimeout_seconds")]
    public int? PretimeoutSeconds { get; init; }

    /// <summary><see cref="Pretimeout.Name"/>: native, hrtimer, yes or no; null for targets that are not devices.</summary>
    [JsonPropertyName("pretimeout_support")]
    public string? PretimeoutSupport { get; init; }

    [JsonPropertyName("timeoutSeconds"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal int? LegacyTimeoutSeconds { get => null; init => TimeoutSeconds ??= value; }

    [JsonPropertyName("lastError"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal string? LegacyLastError { get => null; init => LastError ??= value; }
}

/// <summary><c>state.json</c> under /run: the running daemon's view, refreshed every few seconds.</summary>
public sealed record WatchdogDaemonState
{
    [JsonPropertyName("pid")]
    public required int Pid { get; init; }

    /// <summary>Not <c>required</c>: a file from an older daemon has <c>bootId</c> instead (<see cref="LegacyBootId"/>).</summary>
    [JsonPropertyName("boot_id")]
    public string BootId { get; init => field = value ?? field; } = "";

    [JsonPropertyName("updated_at")]
    public DateTimeOffset UpdatedAt { get; init; }

    [JsonPropertyName("last_pet")]
    public DateTimeOffset? LastPet { get; init; }

    [JsonPropertyName("pets")]
    public long Pets { get; init; }

    [JsonPropertyName("interval_ms")]
    public long IntervalMs { get; init; }

    /// <summary>Pets that went out more than half an interval after they were due (<see cref="LatePets"/>), since the daemon started.</summary>
    [JsonPropertyName("late_pets")]
    public long LatePets { get; init; }

    /// <summary>How late the latest-going pet was, since the daemon started; 0 when none was late.</summary>
    [JsonPropertyName("largest_lateness_ms")]
    public long LargestLatenessMs { get; init; }

    /// <summary>Null when Appliance owns the hardware watchdog; else why systemd is taken to hold it (<see cref="WatchdogOwnership"/>), and the daemon gates systemd's service watchdog.</summary>
    [JsonPropertyName("systemd_holds_watchdog")]
    public string? SystemdHoldsWatchdog { get; init; }

    /// <summary>The escape-hatch self-test's present findings at the daemon's last look ("ID: sentence"); reported only, never a reason to stop petting.</summary>
    [JsonPropertyName("escape_hatch")]
    public IReadOnlyList<string> EscapeHatch { get; init; } = [];

    [JsonPropertyName("gate")]
    public required string Gate { get; init; }

    [JsonPropertyName("healthy")]
    public bool Healthy { get; init; }

    [JsonPropertyName("failures")]
    public IReadOnlyList<string> Failures { get; init; } = [];

    [JsonPropertyName("board")]
    public string? Board { get; init; }

    [JsonPropertyName("targets")]
    public IReadOnlyList<PetTargetState> Targets { get; init; } = [];

    [JsonPropertyName("bootId"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal string? LegacyBootId { get => null; init => BootId = value ?? BootId; }

    [JsonPropertyName("updatedAt"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal DateTimeOffset? LegacyUpdatedAt { get => null; init => UpdatedAt = value ?? UpdatedAt; }

    [JsonPropertyName("lastPet"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal DateTimeOffset? LegacyLastPet { get => null; init => LastPet ??= value; }

    [JsonPropertyName("intervalMs"), JsonInclude, JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal long? LegacyIntervalMs { get => null; init => IntervalMs = value ?? IntervalMs; }
}

/// <summary>One watchdog as <c>appliance watchdog info --json</c> lists it under <c>watchdogs</c>; read from sysfs, without opening the device (opening arms it).</summary>
public sealed record WatchdogDeviceInfo
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("path")]
    public required string Path { get; init; }

    [JsonPropertyName("identity")]
    public string? Identity { get; init; }

    [JsonPropertyName("state")]
    public string? State { get; init; }

    [JsonPropertyName("options")]
    public uint? Options { get; init; }

    [JsonPropertyName("option_names")]
    public IReadOnlyList<string> OptionNames { get; init; } = [];

    [JsonPropertyName("firmware_version")]
    public uint? FirmwareVersion { get; init; }

    [JsonPropertyName("timeout_seconds")]
    public int? TimeoutSeconds { get; init; }

    [JsonPropertyName("timeleft_seconds")]
    public int? TimeleftSeconds { get; init; }

    [JsonPropertyName("pretimeout_seconds")]
    public int? PretimeoutSeconds { get; init; }

    [JsonPropertyName("pretimeout_governor")]
    public string? PretimeoutGovernor { get; init; }

    /// <summary><see cref="Pretimeout.Name"/>: native, hrtimer, yes (how unknown before 6.2) or no.</summary>
    [JsonPropertyName("pretimeout_support")]
    public string? PretimeoutSupport { get; init; }

    [JsonPropertyName("pretimeout_available_governors")]
    public string? PretimeoutAvailableGovernors { get; init; }

    [JsonPropertyName("nowayout")]
    public bool? Nowayout { get; init; }

    [JsonPropertyName("bootstatus")]
    public uint? BootStatus { get; init; }

    [JsonPropertyName("bootstatus_decoded")]
    public IReadOnlyList<string> BootStatusDecoded { get; init; } = [];
}

/// <summary><c>appliance watchdog info --json</c>: an object, not a bare array, so keys can be added without breaking readers.</summary>
public sealed record WatchdogInfoReport([property: JsonPropertyName("watchdogs")] IReadOnlyList<WatchdogDeviceInfo> Watchdogs);

/// <summary><c>appliance watchdog status --json</c>.</summary>
public sealed record WatchdogStatusReport
{
    [JsonPropertyName("running")]
    public required bool Running { get; init; }

    [JsonPropertyName("daemon")]
    public WatchdogDaemonState? Daemon { get; init; }

    [JsonPropertyName("reset_cause")]
    public ResetCauseRecord? ResetCause { get; init; }

    [JsonPropertyName("last_stop")]
    public LastStopRecord? LastStop { get; init; }
}
