namespace Appliance.Linux.Kernel;

/// <summary>What the running kernel says about this boot, read under a root directory.</summary>
public sealed class KernelInfo(string root)
{
    /// <summary>The kernel's random per-boot UUID (Documentation/admin-guide/sysctl/kernel.rst, "random").</summary>
    public string BootId() => ReadTrimmed("proc/sys/kernel/random/boot_id") ?? "unknown";

    public string CommandLine() => ReadTrimmed("proc/cmdline") ?? "";

    public string UptimePath => Path.Combine(root, "proc/uptime");

    /// <summary>Time since power-on from /proc/uptime's first field (fs/proc/uptime.c: seconds with two decimals), null when unreadable.</summary>
    public TimeSpan? Uptime() =>
        KernelFile.ReadTrimmed(UptimePath) is { } text
        && double.TryParse(text.Split(' ')[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;

    /// <summary>When this boot began: /proc/stat's "btime" line, seconds since the epoch (fs/proc/stat.c); null when unreadable.</summary>
    public DateTimeOffset? BootedAt()
    {
        string? stat = KernelFile.ReadTrimmed(Path.Combine(root, "proc/stat"));
        foreach (string line in (stat ?? "").Split('\n'))
        {
            if (line.StartsWith("btime ", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan(6).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long seconds))
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
        }

        return null;
    }

    /// <summary>A crash kernel started by kexec on panic exposes the old kernel's memory as /proc/vmcore.</summary>
    public bool IsRescue() =>
        File.Exists(Path.Combine(root, "proc/vmcore"))
        || CommandLine().Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(Core.Kexec.KernelInfoWords.RescueToken);

    private string? ReadTrimmed(string relative) => KernelFile.ReadTrimmed(Path.Combine(root, relative));
}
