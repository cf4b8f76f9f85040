using System.Text.Json.Serialization;

namespace Appliance.Core.Watchdog;

/// <summary>One device's reset cause as read at daemon start: sysfs before opening, the ioctl after.</summary>
public sealed record DeviceResetCause
{
    [JsonPropertyName("device")]
    public required string Device { get; init; }

    [JsonPropertyName("identity")]
    public string? Identity { get; init; }

    [JsonPropertyName("sysfsBootstatus")]
    public uint? SysfsBootStatus { get; init; }

    [JsonPropertyName("ioctlBootstatus")]
    public uint? IoctlBootStatus { get; init; }

    [JsonPropertyName("causes")]
    public required IReadOnlyList<string> Causes { get; init; }
}

/// <summary><c>reset-cause.json</c>: why this boot happened, per watchdog.</summary>
public sealed record ResetCauseRecord
{
    [JsonPropertyName("bootId")]
    public required string BootId { get; init; }

    [JsonPropertyName("recordedAt")]
    public required DateTimeOffset RecordedAt { get; init; }

    /// <summary>"watchdog reset" when any device says so, else the other causes, else "power-on or unknown".</summary>
    [JsonPropertyName("cause")]
    public required string Cause { get; init; }

    [JsonPropertyName("devices")]
    public required IReadOnlyList<DeviceResetCause> Devices { get; init; }

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
    [JsonPropertyName("bootId")]
    public required string BootId { get; init; }

    [JsonPropertyName("stoppedAt")]
    public required DateTimeOffset StoppedAt { get; init; }

    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    [JsonPropertyName("failures")]
    public IReadOnlyList<string> Failures { get; init; } = [];

    [JsonPropertyName("repair")]
    public string? Repair { get; init; }
}

/// <summary>One pet target as <c>state.json</c> lists it.</summary>
public sealed record PetTargetState
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    [JsonPropertyName("timeoutSeconds")]
    public int? TimeoutSeconds { get; init; }

    [JsonPropertyName("lastError")]
    public string? LastError { get; init; }
}

/// <summary><c>state.json</c> under /run: the running daemon's view, refreshed every few seconds.</summary>
public sealed record WatchdogDaemonState
{
    [JsonPropertyName("pid")]
    public required int Pid { get; init; }

    [JsonPropertyName("bootId")]
    public required string BootId { get; init; }

    [JsonPropertyName("updatedAt")]
    public required DateTimeOffset UpdatedAt { get; init; }

    [JsonPropertyName("lastPet")]
    public DateTimeOffset? LastPet { get; init; }

    [JsonPropertyName("pets")]
    public long Pets { get; init; }

    [JsonPropertyName("intervalMs")]
    public long IntervalMs { get; init; }

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
}

/// <summary>One watchdog as <c>appliance watchdog info --json</c> prints it; read from sysfs, without opening the device (opening arms it).</summary>
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

    [JsonPropertyName("optionNames")]
    public IReadOnlyList<string> OptionNames { get; init; } = [];

    [JsonPropertyName("firmwareVersion")]
    public uint? FirmwareVersion { get; init; }

    [JsonPropertyName("timeoutSeconds")]
    public int? TimeoutSeconds { get; init; }

    [JsonPropertyName("timeleftSeconds")]
    public int? TimeleftSeconds { get; init; }

    [JsonPropertyName("pretimeoutSeconds")]
    public int? PretimeoutSeconds { get; init; }

    [JsonPropertyName("pretimeoutGovernor")]
    public string? PretimeoutGovernor { get; init; }

    [JsonPropertyName("nowayout")]
    public bool? Nowayout { get; init; }

    [JsonPropertyName("bootstatus")]
    public uint? BootStatus { get; init; }

    [JsonPropertyName("bootstatusDecoded")]
    public IReadOnlyList<string> BootStatusDecoded { get; init; } = [];
}

/// <summary><c>appliance watchdog status --json</c>.</summary>
public sealed record WatchdogStatusReport
{
    [JsonPropertyName("running")]
    public required bool Running { get; init; }

    [JsonPropertyName("daemon")]
    public WatchdogDaemonState? Daemon { get; init; }

    [JsonPropertyName("resetCause")]
    public ResetCauseRecord? ResetCause { get; init; }

    [JsonPropertyName("lastStop")]
    public LastStopRecord? LastStop { get; init; }
}
