using Appliance.Core.Collections;
using Appliance.Core.Watchdog;
using Appliance.Linux.Config;

namespace Appliance.Linux.Watchdog;

/// <summary>
/// Reads what <see cref="WatchdogOwnership.Decide"/> needs, every path under the root: systemd's
/// system.conf and drop-ins in systemd's order, the kernel command line, whether systemd is
/// PID 1, and where PID 1's file descriptors point.
/// </summary>
public static class SystemdOwnershipReader
{
    public static WatchdogOwnership Read(string root)
    {
        var files = new List<(string Path, string Text)>();
        string? main = SystemdRuntimeWatchdog.MainFiles.Map(f => RootedPath.Resolve(root, "/" + f)).Find(File.Exists);
        if (main is not null && ReadConfig(root, main) is { } text)
        {
            files.Add((main, text));
        }

        var listing = SystemdRuntimeWatchdog.DropInDirectories.Map(d =>
        {
            string directory = RootedPath.Resolve(root, "/" + d);
            IReadOnlyList<string> names = Names(directory);
            return (directory, names);
        });
        foreach (string path in SystemdRuntimeWatchdog.DropInOrder(listing))
        {
            if (ReadConfig(root, path) is { } dropIn)
            {
                files.Add((path, dropIn));
            }
        }

        string? cmdline = ReadOrNull(Path.Combine(root, "proc/cmdline"));
        var config = SystemdRuntimeWatchdog.Read(files, cmdline);
        bool pid1 = Directory.Exists(Path.Combine(root, "run/systemd/system"));
        return WatchdogOwnership.Decide(config, pid1, Pid1FdTargets(root));
    }

    /// <summary>The link targets in /proc/1/fd; none when they cannot be read (not root, hidepid): then the configuration decides alone.</summary>
    private static List<string> Pid1FdTargets(string root)
    {
        var targets = new List<string>();
        string directory = Path.Combine(root, "proc/1/fd");
        try
        {
            foreach (string fd in Directory.EnumerateFileSystemEntries(directory))
            {
                if (new FileInfo(fd).LinkTarget is { } target)
                {
                    targets.Add(target);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable: fall back on the configuration (and on EBUSY when the device is opened).
        }

        return targets;
    }

    private static List<string> Names(string directory)
    {
        try
        {
            return Directory.Exists(directory) ? Directory.EnumerateFileSystemEntries(directory).Map(p => Path.GetFileName(p)) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>A drop-in linked to /dev/null is masked (systemd reads it as empty); it still hides same-named ones of lower priority.</summary>
    private static string? ReadConfig(string root, string path)
    {
        string? link = new FileInfo(path).LinkTarget;
        if (link == "/dev/null")
        {
            return "";
        }

        // Another link is followed as the tree's own system would follow it: an absolute target starts at the root.
        return ReadOrNull(link is not null && link.StartsWith('/') ? RootedPath.Resolve(root, link) : path);
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // systemd skips a file it cannot read, too (conf-parser.c logs and goes on).
            return null;
        }
    }
}
