using System.Globalization;
using System.Text;
using Appliance.Core.Collections;
using Appliance.Core.Kexec;
using Appliance.Linux.Kernel;

namespace Appliance.Linux.Kexec;

/// <summary>What the running kernel says about kexec, read under a root directory. Unreadable values are null.</summary>
public sealed class KexecSysfs(string root)
{
    /// <summary>Bytes reserved by crashkernel= (kernel/ksysfs.c kexec_crash_size_show); 0 when nothing was reserved.</summary>
    public long? CrashSize() => long.TryParse(Read("sys/kernel/kexec_crash_size"), NumberStyles.None, CultureInfo.InvariantCulture, out long size) ? size : null;

    /// <summary>A crash kernel is loaded (kernel/ksysfs.c kexec_crash_loaded_show).</summary>
    public bool? CrashLoaded() => Flag("sys/kernel/kexec_crash_loaded");

    /// <summary>A kernel for a soft kexec is loaded (kexec_loaded_show).</summary>
    public bool? Loaded() => Flag("sys/kernel/kexec_loaded");

    /// <summary>/proc/sys/kernel/kexec_load_disabled is 1: no kexec load until reboot.</summary>
    public bool? LoadDisabled() => Flag("proc/sys/kernel/kexec_load_disabled");

    /// <summary>The active lockdown mode, the bracketed word of /sys/kernel/security/lockdown ("none [integrity] confidentiality").</summary>
    public string? Lockdown()
    {
        string? text = Read("sys/kernel/security/lockdown");
        if (text is null)
        {
            return null;
        }

        int open = text.IndexOf('[');
        int close = text.IndexOf(']');
        return open >= 0 && close > open ? text[(open + 1)..close] : null;
    }

    /// <summary>
    /// True when this platform has /sys/firmware/memmap (x86 with CONFIG_FIRMWARE_MEMMAP),
    /// which is where kexec hands the next kernel the caller's memory map and a soft kexec from
    /// a crash kernel therefore needs memmap=exactmap.
    /// </summary>
    public bool HasFirmwareMemoryMap() => Directory.Exists(Path.Combine(root, "sys/firmware/memmap"));

    /// <summary>
    /// The firmware memory map (drivers/firmware/memmap.c: one directory per entry, with
    /// <c>start</c> and <c>end</c> in hex, end inclusive, and <c>type</c>). Entries that do not
    /// parse are skipped; an empty list when there is no map.
    /// </summary>
    public IReadOnlyList<MemoryRange> FirmwareMemoryMap()
    {
        string directory = Path.Combine(root, "sys/firmware/memmap");
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var ranges = new List<MemoryRange>();
        foreach (string entry in Directory.EnumerateDirectories(directory))
        {
            if (HexValue(Path.Combine(entry, "start")) is { } start
                && HexValue(Path.Combine(entry, "end")) is { } end
                && KernelFile.ReadTrimmed(Path.Combine(entry, "type")) is { Length: > 0 } type
                && end >= start)
            {
                ranges.Add(new MemoryRange(start, end, type));
            }
        }

        return ranges.SortedBy(r => r.Start);
    }

    /// <summary>MemTotal from /proc/meminfo in bytes: a little under the installed RAM, used when there is no firmware map.</summary>
    public long? MemTotal()
    {
        string? text = Read("proc/meminfo");
        string? line = text is null ? null : Array.Find(text.Split('\n'), l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        var number = new StringBuilder();
        foreach (char c in line.AsSpan("MemTotal:".Length))
        {
            if (char.IsAsciiDigit(c))
            {
                number.Append(c);
            }
        }

        return long.TryParse(number.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out long kib) ? kib * 1024 : null;
    }

    /// <summary>Whether a hardware watchdog device is registered, and the shortest timeout any reports (drivers/watchdog/watchdog_dev.c sysfs).</summary>
    public (bool Present, TimeSpan? Timeout) HardwareWatchdog()
    {
        string directory = Path.Combine(root, "sys/class/watchdog");
        if (!Directory.Exists(directory))
        {
            return (false, null);
        }

        var devices = new List<string>(Directory.EnumerateFileSystemEntries(directory));
        int? shortest = null;
        foreach (string device in devices)
        {
            if (int.TryParse(KernelFile.ReadTrimmed(Path.Combine(device, "timeout")), NumberStyles.None, CultureInfo.InvariantCulture, out int seconds))
            {
                shortest = shortest is null ? seconds : Math.Min(shortest.Value, seconds);
            }
        }

        return (devices.Count > 0, shortest is { } timeout ? TimeSpan.FromSeconds(timeout) : null);
    }

    private bool? Flag(string relative) => Read(relative) switch
    {
        "1" => true,
        "0" => false,
        _ => null,
    };

    private string? Read(string relative) => KernelFile.ReadTrimmed(Path.Combine(root, relative));

    private static ulong? HexValue(string path)
    {
        string? text = KernelFile.ReadTrimmed(path);
        if (text is null)
        {
            return null;
        }

        string digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value) ? value : null;
    }

}
