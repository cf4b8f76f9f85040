using Appliance.Core.Boot;

namespace Appliance.Linux.Storage;

/// <summary>
/// Finds the filesystem and block device under a path from <c>proc/self/mountinfo</c> and
/// <c>sys/dev/block</c>, both read under a root directory so tests can give a fake tree.
/// </summary>
public sealed class MountProbe(string root)
{
    /// <param name="path">A path as the running system sees it (e.g. /boot/grub), not prefixed by the root.</param>
    public GrubenvStorage? Probe(string path)
    {
        string mountinfo = Path.Combine(root, "proc/self/mountinfo");
        if (!File.Exists(mountinfo))
        {
            return null;
        }

        MountLine? best = null;
        foreach (string line in File.ReadLines(mountinfo))
        {
            if (MountLine.Parse(line) is { } mount && Contains(mount.MountPoint, path) && (best is null || mount.MountPoint.Length >= best.MountPoint.Length))
            {
                best = mount;
            }
        }

        if (best is null)
        {
            return null;
        }

        string block = Path.Combine(root, "sys/dev/block", best.MajorMinor);
        return new GrubenvStorage(
            best.MountPoint,
            best.FilesystemType,
            best.Source,
            Directory.Exists(Path.Combine(block, "dm")),
            Directory.Exists(Path.Combine(block, "md")));
    }

    private static bool Contains(string mountPoint, string path) =>
        mountPoint == "/" || path == mountPoint || path.StartsWith(mountPoint + "/", StringComparison.Ordinal);

    /// <summary>One line of mountinfo (Documentation/filesystems/proc.rst, "3.5 /proc/&lt;pid&gt;/mountinfo").</summary>
    private sealed record MountLine(string MajorMinor, string MountPoint, string FilesystemType, string Source)
    {
        // 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
        public static MountLine? Parse(string line)
        {
            string[] fields = line.Split(' ');
            int separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 6 || separator + 2 >= fields.Length)
            {
                return null;
            }

            return new MountLine(fields[2], Unescape(fields[4]), fields[separator + 1], Unescape(fields[separator + 2]));
        }

        // mountinfo escapes space, tab, newline and backslash as \ooo octal.
        private static string Unescape(string field)
        {
            if (!field.Contains('\\'))
            {
                return field;
            }

            var result = new System.Text.StringBuilder(field.Length);
            for (int i = 0; i < field.Length; i++)
            {
                if (field[i] == '\\' && i + 3 < field.Length
                    && !field.AsSpan(i + 1, 3).ContainsAnyExceptInRange('0', '7'))
                {
                    result.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                    i += 3;
                }
                else
                {
                    result.Append(field[i]);
                }
            }

            return result.ToString();
        }
    }
}
