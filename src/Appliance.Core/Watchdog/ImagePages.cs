using System.Globalization;

namespace Appliance.Core.Watchdog;

/// <summary>
/// Which of the daemon's own memory can be handed back before it locks memory
/// (LockMemory=yes): the pages of its executable that are mapped from the file and never
/// written. By the time the daemon locks, those pages hold the start-up code (command line,
/// configuration, board detection) next to what the pet loop uses, and fault-around maps
/// them 64 KiB at a time, so nearly the whole image is resident: mlockall(MCL_CURRENT) would
/// pin all of it for good. Dropped, they come back from the page cache on the next touch, and
/// only those get locked. Measured on the bench's daemon (2026-12-04): read-only data went from
/// 1.24 MB to 0.56 MB resident; the text came back almost whole (2.8 MB), since the steady loop
/// touches code across all of it.
/// Anything with anonymous pages (relocated data, RELRO) or already locked is kept: dropping
/// a written private page would throw the write away.
/// </summary>
public static class ImagePages
{
    public readonly record struct Range(ulong Start, ulong Length);

    /// <summary>The mappings of <paramref name="executable"/> in <paramref name="smaps"/> (proc(5) /proc/self/smaps) that may be dropped.</summary>
    public static List<Range> Droppable(string smaps, string executable)
    {
        var ranges = new List<Range>();
        Range? current = null;
        bool keep = false;
        bool clean = false;
        foreach (string line in smaps.Split('\n'))
        {
            if (Header(line, executable) is { } header)
            {
                Flush();
                (current, keep) = header;
                clean = false;
                continue;
            }

            if (current is null)
            {
                continue;
            }

            if (line.StartsWith("Anonymous:", StringComparison.Ordinal))
            {
                // Only a mapping known to hold no written page is dropped.
                clean = Kilobytes(line) == 0;
                keep |= !clean;
            }
            else if (line.StartsWith("VmFlags:", StringComparison.Ordinal) && Array.IndexOf(line.Split(' ', StringSplitOptions.RemoveEmptyEntries), "lo") >= 0)
            {
                keep = true;
            }
        }

        Flush();
        return ranges;

        void Flush()
        {
            if (current is { } range && !keep && clean)
            {
                ranges.Add(range);
            }

            current = null;
        }
    }

    /// <summary>
    /// A mapping's first line, "start-end perms offset dev inode [path]": the range and whether
    /// it must be kept (writable, shared, anonymous, or another file: libraries are shared with
    /// other processes, so dropping their pages gains nothing); null for any other line.
    /// </summary>
    private static (Range Range, bool Keep)? Header(string line, string executable)
    {
        string[] fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || fields[0].IndexOf('-') is not (> 0 and var dash) || fields[1].Length != 4)
        {
            return null;
        }

        if (!ulong.TryParse(fields[0].AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong start)
            || !ulong.TryParse(fields[0].AsSpan(dash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong end)
            || end <= start)
        {
            return null;
        }

        if (fields.Length < 6 || fields[5].Trim() != executable)
        {
            return (new Range(start, end - start), true);
        }

        string perms = fields[1];
        return (new Range(start, end - start), perms[1] == 'w' || perms[3] != 'p');
    }

    private static long Kilobytes(string line)
    {
        string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 2 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kb) ? kb : long.MaxValue;
    }
}
