using System.Text.Json.Serialization;

namespace Appliance.Core.Health;

/// <summary>How one check ended. Only <see cref="Pass"/> and <see cref="NotApplicable"/> are not failures.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CheckResult>))]
public enum CheckResult
{
    [JsonStringEnumMemberName("pass")]
    Pass,

    [JsonStringEnumMemberName("fail")]
    Fail,

    /// <summary>Did not finish in time; its process group was killed. Counts as a failure.</summary>
    [JsonStringEnumMemberName("timeout")]
    Timeout,

    /// <summary>Could not be run or read at all (refused, not executable, unreadable procfs file). Counts as a failure: a check that cannot run proves nothing.</summary>
    [JsonStringEnumMemberName("error")]
    Error,

    /// <summary>Does not apply to this machine (no systemd); neither a pass nor a failure.</summary>
    [JsonStringEnumMemberName("n/a")]
    NotApplicable,
}

/// <summary>Where a check came from: greenboot's layout (<c>checks.d/required.d</c>, <c>checks.d/wanted.d</c>) or built into Appliance.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CheckKind>))]
public enum CheckKind
{
    [JsonStringEnumMemberName("required")]
    Required,

    [JsonStringEnumMemberName("wanted")]
    Wanted,

    [JsonStringEnumMemberName("builtin")]
    Builtin,
}
