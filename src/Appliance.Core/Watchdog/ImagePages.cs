using System.Globalization;

namespace Appliance.Core.Watchdog;

/// <summary>
/// Which of the daemon's memory can be handed back once it has settled: the pages mapped
/// from files and never written, its own executable's and its libraries'. By then they hold
/// the start-up code (command line, configuration, board detection) next to what the loop
/// uses, and fault-around maps a file's cached pages 64 KiB at a time, so nearly every page
/// of the image and of libc and libm is resident, and with LockMemory=yes locked for good.
/// Dropped, they come back on the next touch, and only those get locked.
/// The executable's own pages are paged out (evicted from the page cache too, so a fault
/// reads back only what is asked for; see <see cref="Range.OwnImage"/>); a library's pages
/// are only unmapped, since every other process on the machine shares their cache.
/// Measured on the bench's daemon (2026-12-04, Linux 6.18), resident a minute after start:
/// read-only data 1.24 MB to 0.10, exception tables 0.97 to 0.26, libc's text 1.10 to 0.83,
/// libm's 0.32 to 0.06, ld.so's 0.19 to 0; 9.3 MB in all to 7.5. The text comes back almost
/// whole (2.7 of 2.8 MB): the steady loop touches code across all of it, and the kernel reads
/// executable mappings ahead by the disk's read_ahead_kb (128 KiB here) whatever madvise says
/// (mm/filemap.c, do_sync_mmap_readahead).
/// Anything with anonymous pages (relocated data, RELRO), writable, shared or already locked
/// is kept: dropping a written private page would throw the write away.
/// </summary>
public static class ImagePages
{
    /// <param name="OwnImage">A mapping of the executable itself, whose page cache no other
    /// process needs: paged out rather than just unmapped.</param>
    public readonly record struct Range(ulong Start, ulong Length, bool OwnImage);

    /// <summary>The clean file mappings in <paramref name="smaps"/> (proc(5) /proc/self/smaps) that may be dropped.</summary>
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
    /// it must be kept (writable, shared, anonymous or a pseudo-mapping such as [vdso]); null
    /// for any other line.
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

        string path = fields.Length < 6 ? string.Empty : fields[5].Trim();
        var range = new Range(start, end - start, path == executable);
        string perms = fields[1];
        return (range, !path.StartsWith('/') || path.EndsWith(" (deleted)", StringComparison.Ordinal) || perms[1] == 'w' || perms[3] != 'p');
    }

    private static long Kilobytes(string line)
    {
        string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 2 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kb) ? kb : long.MaxValue;
    }
}
