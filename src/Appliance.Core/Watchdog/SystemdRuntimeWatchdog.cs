using System.Globalization;
using Appliance.Core.Collections;
using Appliance.Core.Config;

namespace Appliance.Core.Watchdog;

/// <summary>
/// systemd's own hardware watchdog as PID 1 configures it: <c>RuntimeWatchdogSec=</c> in
/// <c>[Manager]</c> of system.conf and its drop-ins, overridden by <c>systemd.watchdog_sec=</c>
/// on the kernel command line (src/core/main.c: parse_config_file, then the command line).
/// </summary>
/// <param name="Enabled">PID 1 opens and pets the device.</param>
/// <param name="Timeout">The timeout asked for; null when the driver's default is kept ("default", "infinity").</param>
/// <param name="Value">The value as written, for messages.</param>
/// <param name="Source">Where the value that counts came from (a file, or the kernel command line); null when nothing set it.</param>
/// <param name="Device">WatchdogDevice= / systemd.watchdog_device=, or systemd's default.</param>
public sealed record SystemdRuntimeWatchdog(bool Enabled, TimeSpan? Timeout, string Value, string? Source, string Device)
{
    /// <summary>systemd's device unless WatchdogDevice= names another (src/shared/watchdog.c, watchdog_open: /dev/watchdog0, then the legacy /dev/watchdog).</summary>
    public const string DefaultDevice = "/dev/watchdog0";

    public static readonly SystemdRuntimeWatchdog Off = new(false, null, "off", null, DefaultDevice);

    /// <summary>
    /// The main file, first found of these (systemd-system.conf(5): "only the first file found is
    /// used"; systemd before v256 reads only the one in /etc, where the others do not exist).
    /// </summary>
    public static IReadOnlyList<string> MainFiles { get; } =
        ["etc/systemd/system.conf", "run/systemd/system.conf", "usr/local/lib/systemd/system.conf", "usr/lib/systemd/system.conf"];

    /// <summary>The drop-in directories, highest priority first (systemd-system.conf(5), standard-conf.xml).</summary>
    public static IReadOnlyList<string> DropInDirectories { get; } =
        ["etc/systemd/system.conf.d", "run/systemd/system.conf.d", "usr/local/lib/systemd/system.conf.d", "usr/lib/systemd/system.conf.d"];

    /// <summary>
    /// The drop-ins in the order systemd reads them: every <c>*.conf</c> of every directory,
    /// sorted by file name alone, whatever its directory; of two with one name, only the one in
    /// the directory of higher priority (standard-conf.xml: "Files in /etc/ override files with
    /// the same name in /run/, /usr/local/lib/, and /usr/lib/"). <paramref name="listing"/> is
    /// per directory of <see cref="DropInDirectories"/>, in that order: the directory and its file names.
    /// </summary>
    public static List<string> DropInOrder(IReadOnlyList<(string Directory, IReadOnlyList<string> Names)> listing)
    {
        var chosen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (directory, names) in listing)
        {
            foreach (string name in names)
            {
                if (name.EndsWith(".conf", StringComparison.Ordinal) && !chosen.ContainsKey(name))
                {
                    chosen[name] = directory.TrimEnd('/') + "/" + name;
                }
            }
        }

        return chosen.Keys.SortedOrdinal().Map(name => chosen[name]);
    }

    /// <summary>
    /// Reads the files in systemd's order (the main file first, then <see cref="DropInOrder"/>):
    /// the last valid assignment wins, and the kernel command line beats them all. A value
    /// systemd would not parse is skipped, as systemd skips it with a warning.
    /// </summary>
    public static SystemdRuntimeWatchdog Read(IReadOnlyList<(string Path, string Text)> files, string? kernelCommandLine)
    {
        SystemdRuntimeWatchdog result = Off;
        string device = DefaultDevice;
        foreach (var (path, text) in files)
        {
            var sections = new List<IniSection>();
            var assignments = new List<IniAssignment>();
            IniReader.Read(path, text, sections, assignments, []);
            foreach (IniAssignment a in assignments)
            {
                if (a.Section != "Manager")
                {
                    continue;
                }

                if (a.Key == "RuntimeWatchdogSec" && Parse(a.Value, $"{path}:{a.Line}") is { } parsed)
                {
                    result = parsed;
                }
                else if (a.Key == "WatchdogDevice")
                {
                    device = a.Value.Length == 0 ? DefaultDevice : a.Value;
                }
            }
        }

        foreach (string word in (kernelCommandLine ?? "").Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = word.IndexOf('=');
            if (equals < 0)
            {
                continue;
            }

            // proc_cmdline_key_streq (src/basic/proc-cmdline.c) takes '-' and '_' as the same character.
            string key = word[..equals].Replace('-', '_');
            string value = word[(equals + 1)..];
            if (key == "systemd.watchdog_sec" && Parse(value, "the kernel command line (systemd.watchdog_sec=)") is { } parsed)
            {
                result = parsed;
            }
            else if (key == "systemd.watchdog_device" && value.Length > 0)
            {
                device = value;
            }
        }

        return result with { Device = device };
    }

    /// <summary>
    /// config_parse_watchdog_sec (src/core/main.c): "default" keeps the driver's timeout, "off"
    /// turns it off, anything else is parse_sec (src/basic/time-util.c): a bare number is seconds,
    /// "infinity" is USEC_INFINITY (which watchdog.c, like "default", takes as the driver's own
    /// timeout), and 0 turns it off. Null for what parse_sec refuses (an empty value too).
    /// </summary>
    public static SystemdRuntimeWatchdog? Parse(string value, string source)
    {
        string v = value.Trim();
        if (v is "default" or "infinity")
        {
            return new SystemdRuntimeWatchdog(true, null, v, source, DefaultDevice);
        }

        if (v == "off")
        {
            return new SystemdRuntimeWatchdog(false, null, v, source, DefaultDevice);
        }

        return Span(v) is { } span ? new SystemdRuntimeWatchdog(span > TimeSpan.Zero, span, v, source, DefaultDevice) : null;
    }

    /// <summary>Numbers with systemd.time(7) units, summed; a bare number is seconds. Null when malformed.</summary>
    private static TimeSpan? Span(string value) => Text.TimeSpanText.Seconds(value, UnitSeconds) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>The units of parse_sec's table (src/basic/time-util.c, parse_time / lookup_unit); "" is seconds.</summary>
    private static double? UnitSeconds(string unit) => unit switch
    {
        "s" or "sec" or "second" or "seconds" => 1,
        "us" or "usec" => 1e-6,
        "ms" or "msec" => 1e-3,
        "m" or "min" or "minute" or "minutes" => 60,
        "h" or "hr" or "hour" or "hours" => 3600,
        "d" or "day" or "days" => 86400,
        "w" or "week" or "weeks" => 604800,
        "M" or "month" or "months" => 2629800,
        "y" or "year" or "years" => 31557600,
        _ => null,
    };

    /// <summary>"RuntimeWatchdogSec=30s in /etc/systemd/system.conf:4", for the start-up sentence.</summary>
    public string Describe() => Source is null ? "RuntimeWatchdogSec= is not set" : $"RuntimeWatchdogSec={Value} ({Source})";
}
