using System.Globalization;
using Appliance.Core.Collections;
using Appliance.Core.Watchdog;
using Appliance.Linux.Kernel;

namespace Appliance.Linux.Watchdog;

/// <summary>
/// The watchdog class in sysfs (<c>/sys/class/watchdog/watchdogN</c>, drivers/watchdog/watchdog_dev.c
/// attributes: identity, state, status, bootstatus, timeout, timeleft, pretimeout,
/// pretimeout_governor, nowayout, options and fw_version on 6.2+). Read without opening the
/// device: opening /dev/watchdogN starts the timer.
/// </summary>
public sealed class WatchdogSysfs(string root)
{
    public string ClassDirectory => Path.Combine(root, "sys/class/watchdog");

    /// <summary>watchdogN names present, in index order.</summary>
    public IReadOnlyList<string> Names()
    {
        if (!Directory.Exists(ClassDirectory))
        {
            return [];
        }

        var names = new List<string>();
        foreach (string entry in Directory.EnumerateFileSystemEntries(ClassDirectory, "watchdog*"))
        {
            string name = Path.GetFileName(entry);
            if (int.TryParse(name.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                names.Add(name);
            }
        }

        return names.SortedBy(n => int.Parse(n.AsSpan(8), CultureInfo.InvariantCulture));
    }

    /// <summary>The device node for a sysfs name, under the root.</summary>
    public string DevicePath(string name) => Path.Combine(root, "dev", name);

    /// <summary>
    /// The sysfs name for a device path: <c>/dev/watchdogN</c> is watchdogN; the legacy
    /// <c>/dev/watchdog</c> (misc minor 130) is always the device with id 0
    /// (watchdog_dev_register gives the misc node to the first registered watchdog).
    /// </summary>
    public static string? NameForPath(string devicePath)
    {
        string file = Path.GetFileName(devicePath);
        return file == "watchdog" ? "watchdog0" : file.StartsWith("watchdog", StringComparison.Ordinal) ? file : null;
    }

    /// <summary>An attribute's value, or null when the driver does not provide it.</summary>
    public string? Read(string name, string attribute) =>
        KernelFile.ReadTrimmed(Path.Combine(ClassDirectory, name, attribute));

    public int? ReadInt(string name, string attribute) =>
        int.TryParse(Read(name, attribute), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) ? v : null;

    /// <summary>bootstatus, status and options print as decimal or "0x%x" depending on the attribute.</summary>
    public uint? ReadBits(string name, string attribute)
    {
        string? text = Read(name, attribute);
        if (text is null)
        {
            return null;
        }

        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint hex) ? hex : null
            : uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint dec) ? dec : null;
    }

    public bool? Nowayout(string name) => Read(name, "nowayout") switch { "1" => true, "0" => false, _ => null };

    /// <summary>From sysfs alone: the <c>pretimeout</c> file is visible exactly when the device has one (wdt_is_visible, drivers/watchdog/watchdog_dev.c).</summary>
    public PretimeoutSupport PretimeoutSupport(string name, uint? options) =>
        Pretimeout.Support(options, File.Exists(Path.Combine(ClassDirectory, name, "pretimeout")));

    /// <summary>
    /// What <c>appliance check</c> warns about when [Watchdog] sets a pretimeout: each configured
    /// device (or every registered one when none is configured) that has none, or lacks the governor.
    /// </summary>
    public IReadOnlyList<string> PretimeoutFindings(WatchdogSettings settings)
    {
        if (settings.PretimeoutSeconds is not > 0)
        {
            return [];
        }

        IReadOnlyList<string?> names;
        try
        {
            names = settings.Devices.Count > 0 ? Resolve(settings.Devices).Map(d => d.Name) : Names().Map(n => (string?)n);
        }
        catch (WatchdogSelectionException e)
        {
            return [e.Message];
        }

        var findings = new List<string>();
        foreach (string? name in names)
        {
            if (name is not null)
            {
                findings.AddRange(Pretimeout.Findings($"/dev/{name} ({Read(name, "identity") ?? "?"})", settings, PretimeoutSupport(name, ReadBits(name, "options")), Read(name, "pretimeout_available_governors")));
            }
        }

        return findings;
    }

    public WatchdogDeviceInfo Info(string name)
    {
        uint? options = ReadBits(name, "options");
        uint? boot = ReadBits(name, "bootstatus");
        return new WatchdogDeviceInfo
        {
            Name = name,
            Path = "/dev/" + name,
            Identity = Read(name, "identity"),
            State = Read(name, "state"),
            Options = options,
            OptionNames = options is { } o ? WatchdogOptionNames.Decode(o) : [],
            FirmwareVersion = ReadBits(name, "fw_version"),
            TimeoutSeconds = ReadInt(name, "timeout"),
            TimeleftSeconds = ReadInt(name, "timeleft"),
            PretimeoutSeconds = ReadInt(name, "pretimeout"),
            PretimeoutGovernor = Read(name, "pretimeout_governor"),
            PretimeoutSupport = Pretimeout.Name(PretimeoutSupport(name, options)),
            PretimeoutAvailableGovernors = Read(name, "pretimeout_available_governors"),
            Nowayout = Nowayout(name),
            BootStatus = boot,
            BootStatusDecoded = boot is { } b ? ResetCause.Decode(b) : [],
        };
    }

    /// <summary>
    /// Resolves selectors to (sysfs name, device path) pairs. Identities match sysfs
    /// <c>identity</c> exactly; each selector must find a device, or the error says which
    /// identities exist so the operator can fix the config.
    /// </summary>
    public IReadOnlyList<(string? Name, string Path)> Resolve(IEnumerable<DeviceSelector> selectors)
    {
        var result = new List<(string?, string)>();
        foreach (var selector in selectors)
        {
            if (selector.Path is { } path)
            {
                string? name = NameForPath(path);
                result.Add((name, Path.Combine(root, path.TrimStart('/'))));
                continue;
            }

            var names = Names();
            string? match = null;
            foreach (string n in names)
            {
                if (Read(n, "identity") == selector.Identity)
                {
                    match = n;
                    break;
                }
            }

            if (match is null)
            {
                string known = names.Count == 0 ? "no watchdog is registered (is the driver loaded?)" : "present: " + string.Join(", ", names.Map(n => $"{n} \"{Read(n, "identity")}\""));
                throw new WatchdogSelectionException($"{ClassDirectory}: no watchdog with identity \"{selector.Identity}\"; {known}");
            }

            result.Add((match, DevicePath(match)));
        }

        return result;
    }
}

/// <summary>A configured device that is not there.</summary>
public sealed class WatchdogSelectionException(string message) : Exception(message);
