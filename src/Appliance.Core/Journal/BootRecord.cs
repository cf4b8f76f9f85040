using System.Text.Json.Serialization;
using Appliance.Core.Health;

namespace Appliance.Core.Journal;

/// <summary>One boot attempt as the journal keeps it: what booted, how, and what the validator decided.</summary>
public sealed record BootRecord
{
    [JsonPropertyName("boot_id")]
    public required string BootId { get; init; }

    [JsonPropertyName("time")]
    public required DateTimeOffset Time { get; init; }

    /// <summary>The menu entry that is running, when it could be told from the kernel command line.</summary>
    [JsonPropertyName("entry")]
    public string? Entry { get; init; }

    /// <summary>How this boot came about (normal, trial, fell-back, rolled-back, after-rejection, rescue).</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>good, unhealthy, committed, rejected or rolled-back.</summary>
    [JsonPropertyName("result")]
    public required string Result { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }

    /// <summary>The trial this record is about, if any.</summary>
    [JsonPropertyName("trial")]
    public string? Trial { get; init; }

    [JsonPropertyName("tries_left")]
    public int? TriesLeft { get; init; }

    [JsonPropertyName("failing_checks")]
    public IReadOnlyList<FailingCheck> FailingChecks { get; init; } = [];

    /// <summary>Forensics gathered on this boot: reset causes, panic excerpts.</summary>
    [JsonPropertyName("forensics")]
    public IReadOnlyList<string> Forensics { get; init; } = [];
}

public sealed record FailingCheck(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("result")] CheckResult Result,
    [property: JsonPropertyName("output")] string Output);
