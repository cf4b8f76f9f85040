using System.Globalization;

namespace Appliance.Core.Health;

/// <param name="Path">An absolute path on the filesystem to check (resolved under the root), usually its mount point.</param>
/// <param name="WriteProbe">Whether to prove the filesystem writable by creating, syncing and removing a small file.</param>
public sealed record FilesystemSettings(string Name, bool Enabled = true, bool Required = true, string Path = "", long? MinFreeMiB = null, double? MinFreePercent = null, bool WriteProbe = true)
    : BuiltinCheckSettings(Name, Enabled, Required)
{
    public override string Type => FilesystemRule.Type;
}

/// <param name="WriteProbeError">Why the write probe failed; null when it succeeded or was not run.</param>
public readonly record struct FilesystemUsage(ulong TotalBytes, ulong FreeBytes, ulong AvailableBytes, bool ReadOnly, string? WriteProbeError);

/// <summary>Free space and writability of one filesystem, from statvfs(3) and a write probe.</summary>
public static class FilesystemRule
{
    public const string Type = "filesystem";

    public static CheckOutcome Evaluate(FilesystemUsage usage, FilesystemSettings settings)
    {
        // df's "Use%": space unprivileged users can still get, over what they could ever get
        // (total minus the root reserve), so a full filesystem reads 0% free even with a reserve left.
        ulong used = usage.TotalBytes - Math.Min(usage.FreeBytes, usage.TotalBytes);
        ulong usable = used + usage.AvailableBytes;
        double percent = usable == 0 ? 0 : 100.0 * usage.AvailableBytes / usable;
        double freeMiB = usage.AvailableBytes / (1024.0 * 1024.0);
        string numbers = string.Create(CultureInfo.InvariantCulture, $"{settings.Path}: {freeMiB:0} MiB free ({percent:0.0}%)");
        var problems = new List<string>();
        if (usage.ReadOnly && settings.WriteProbe)
        {
            problems.Add("mounted read-only");
        }

        if (usage.WriteProbeError is { } error)
        {
            problems.Add($"write probe failed: {error}");
        }

        if (settings.MinFreeMiB is { } mib && freeMiB < mib)
        {
            problems.Add($"below MinFreeMiB={mib}");
        }

        if (settings.MinFreePercent is { } pct && percent < pct)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"below MinFreePercent={pct}"));
        }

        return problems.Count == 0 ? CheckOutcome.Pass(numbers) : CheckOutcome.Fail($"{numbers}: {string.Join(", ", problems)}");
    }
}
