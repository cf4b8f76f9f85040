using System.Text.Json.Serialization;
using Appliance.Core.Collections;

namespace Appliance.Core.Quarantine;

/// <summary>
/// One kernel build that failed a trial. <see cref="Reason"/> is one of the boot journal's
/// rollback reasons (<see cref="Metrics.ApplianceMetrics.Reasons"/>); <see cref="Time"/> is
/// given by the caller.
/// </summary>
public sealed record QuarantineEntry
{
    [JsonPropertyName("release")]
    public required string Release { get; init; }

    /// <summary>The failed build's SHA-256; null when its file could not be read when the trial failed.</summary>
    [JsonPropertyName("sha256")]
    public string? Sha256 { get; init; }

    /// <summary>The kernel's path as the menu entry names it.</summary>
    [JsonPropertyName("kernel")]
    public string? Kernel { get; init; }

    [JsonPropertyName("entry")]
    public string? Entry { get; init; }

    [JsonPropertyName("title")]
    public string? Title { get; init; }

    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    [JsonPropertyName("boot_id")]
    public string? BootId { get; init; }

    [JsonPropertyName("time")]
    public required DateTimeOffset Time { get; init; }

    /// <summary>The decision's sentence, as the journal has it.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonIgnore]
    public KernelIdentity Identity => new(Release, Sha256);

    /// <summary>Whether this entry is the build <paramref name="kernel"/> is: the same hash, or the same release where either hash is unknown.</summary>
    public bool Matches(KernelIdentity kernel) =>
        Sha256 is not null && kernel.Sha256 is not null
            ? string.Equals(Sha256, kernel.Sha256, StringComparison.OrdinalIgnoreCase)
            : Release == kernel.Release;

    /// <summary>One line for people: which kernel, when and why it failed.</summary>
    public string Describe() =>
        $"kernel {Identity} failed a trial at {Time:yyyy-MM-dd HH:mm:ss}Z ({Reason}{(BootId is null ? "" : $", boot {BootId}")}{(Entry is null ? "" : $", entry '{Entry}'")}){(Message is null ? "" : $": {Message}")}";
}

/// <summary>What a kernel is to the quarantine: the entry it matches, or a rebuild of a quarantined release (a new build, not quarantined).</summary>
public sealed record QuarantineMatch(QuarantineEntry? Quarantined, QuarantineEntry? Rebuilt);

/// <summary>
/// The kernels that failed a trial and must not be staged again without a decision by a person:
/// the list an update loop (stage, fail, roll back, stage the same kernel again) runs into.
/// Immutable; every change returns a new list.
/// </summary>
public sealed record QuarantineList
{
    public static QuarantineList Empty { get; } = new();

    [JsonPropertyName("kernels")]
    public IReadOnlyList<QuarantineEntry> Kernels { get; init; } = [];

    /// <summary>Adds <paramref name="entry"/>, replacing an entry for the same build (its latest failure is what matters).</summary>
    public QuarantineList Add(QuarantineEntry entry)
    {
        var kept = Kernels.Filter(k => !k.Matches(entry.Identity));
        kept.Add(entry);
        return this with { Kernels = kept };
    }

    /// <summary>Whether <paramref name="kernel"/> is quarantined, or a rebuild (same release, another hash) of one that is.</summary>
    public QuarantineMatch Find(KernelIdentity kernel) => new(
        Kernels.Find(k => k.Matches(kernel)),
        Kernels.Find(k => k.Release == kernel.Release && !k.Matches(kernel)));

    /// <summary>
    /// Removes the entries <paramref name="kernel"/> names: by release (every build of it) when
    /// <paramref name="kernel"/>'s hash is null, else the matching build. Returns the list left
    /// and what was removed.
    /// </summary>
    public (QuarantineList Left, IReadOnlyList<QuarantineEntry> Removed) Remove(KernelIdentity kernel)
    {
        Func<QuarantineEntry, bool> names = kernel.Sha256 is null ? k => k.Release == kernel.Release : k => k.Matches(kernel);
        return (this with { Kernels = Kernels.Filter(k => !names(k)) }, Kernels.Filter(names));
    }

    /// <summary>Why a list read from disk cannot be used, or null.</summary>
    public string? Problem() =>
        Kernels is null ? "kernels is null"
        : Kernels.Exists(k => k is null || string.IsNullOrEmpty(k.Release) || string.IsNullOrEmpty(k.Reason)) ? "an entry lacks its release or reason"
        : null;
}
