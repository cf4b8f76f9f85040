using System.Text;
using Appliance.Core.Collections;

namespace Appliance.Core.Kexec;

/// <summary>What was recovered from a vmcore, and how.</summary>
/// <param name="Text">The old kernel's log, sanitised, oldest first.</param>
/// <param name="Method">"printk ring" when read record by record through VMCOREINFO, "printk data ring" when only the
/// text bytes could be (no record lengths), "byte scan" for the last fallback.</param>
/// <param name="Note">Why the ring could not be read, when the scan was used.</param>
public sealed record VmcoreLog(string Text, string Method, string? Note);

/// <summary>
/// The panicking kernel's log out of <c>/proc/vmcore</c>, an ELF64 core of its memory.
/// </summary>
/// <remarks>
/// Two ways, the first preferred. (1) VMCOREINFO: the core's notes carry the kernel's own
/// directions to its log (kernel/printk/printk.c log_buf_vmcoreinfo_setup: SYMBOL(prb) and the
/// offsets inside struct printk_ringbuffer, prb_desc_ring, prb_desc, printk_info and
/// prb_data_ring, since 5.10), so a few reads find the descriptor ring, the record infos and
/// the text data ring. Each committed or finalized record's text is taken from its data block
/// and cut at its text_len, and the records are put in seq order. The cut matters: a block
/// holds more than the text (6.1 printk_sprint moves the text two bytes left over the level
/// prefix and leaves the old last two bytes and the newline behind it, then alignment
/// padding), so reading the data ring as one string gives lines like "sysrq triggered crashsh".
/// That costs kilobytes of I/O where scanning a 1 GiB core costs seconds on the rescue path we
/// are trying to keep short. When the descriptors cannot be read, the whole data ring is
/// taken in head order instead, stale bytes and all, and the note says so.
/// (2) Without usable VMCOREINFO (pre-5.10 log_buf, a mangled core, a format we do not know),
/// a byte scan of the memory segments for the last panic or oops text, up to a budget. Text
/// outside the ring (console buffers, freed pages of an earlier boot the firmware did not
/// clear) can match too, so file order stands in for time order there, which is a guess.
/// </remarks>
public static partial class Vmcore
{
    private const int ScanChunk = 4 << 20;

    /// <summary>Reads the log, by the ring when it can and by a scan of at most <paramref name="scanBudgetBytes"/> otherwise; null when neither finds anything.</summary>
    public static VmcoreLog? ReadLog(IByteSource core, int windowBytes, long scanBudgetBytes)
    {
        string note;
        try
        {
            var (segments, notes) = ReadHeaders(core);
            var info = VmcoreInfo(core, notes);
            if (info is null)
            {
                note = "no VMCOREINFO note";
            }
            else
            {
                var ring = TextRing(core, segments, info, out note);
                if (ring is { } found)
                {
                    string? text = ReadRecords(core, segments, info, found, out note);
                    if (text is not null)
                    {
                        return new VmcoreLog(text, "printk ring", null);
                    }

                    text = ReadDataRing(core, segments, info, found, out string ringNote);
                    if (text is not null)
                    {
                        return new VmcoreLog(text, "printk data ring", $"{note}; record lengths unknown, so lines may end in stale bytes");
                    }

                    note = $"{note}; {ringNote}";
                }
            }

            return Scan(core, segments, windowBytes, scanBudgetBytes, note);
        }
        catch (InvalidDataException e)
        {
            return Scan(core, [], windowBytes, scanBudgetBytes, e.Message);
        }
    }

    private static VmcoreLog? Scan(IByteSource core, IReadOnlyList<Segment> segments, int windowBytes, long budget, string note)
    {
        var extents = segments.Count > 0
            ? segments.Map(s => (s.FileOffset, s.FileSize))
            : [(0L, core.Length)];
        byte[] panic = Encoding.ASCII.GetBytes(PanicLog.PanicMarker);
        var oopses = PanicLog.OopsMarkers.Map(Encoding.ASCII.GetBytes);
        int overlap = panic.Length;
        foreach (byte[] marker in oopses)
        {
            overlap = Math.Max(overlap, marker.Length);
        }

        byte[] chunk = new byte[ScanChunk + overlap];
        long lastPanic = -1;
        long lastOops = -1;
        long scanned = 0;
        foreach (var (start, length) in extents)
        {
            long pos = start;
            long end = start + length;
            while (pos < end && scanned < budget)
            {
                int want = (int)Math.Min(Math.Min(chunk.Length, end - pos), budget - scanned);
                int n = ReadFully(core, pos, chunk.AsSpan(0, want));
                if (n <= 0)
                {
                    break;
                }

                var span = chunk.AsSpan(0, n);
                int at = span.LastIndexOf(panic);
                if (at >= 0)
                {
                    lastPanic = pos + at;
                }

                foreach (byte[] marker in oopses)
                {
                    int hit = span.LastIndexOf(marker);
                    if (hit >= 0 && pos + hit > lastOops)
                    {
                        lastOops = pos + hit;
                    }
                }

                scanned += n;
                pos += n <= overlap ? n : n - overlap;
                if (n < want)
                {
                    break;
                }
            }
        }

        long found = lastPanic >= 0 ? lastPanic : lastOops;
        if (found < 0)
        {
            return null;
        }

        long from = Math.Max(0, found - (windowBytes * 3L / 4));
        byte[] window = new byte[windowBytes];
        int got = ReadFully(core, from, window);
        string reason = scanned >= budget ? $"{note}; scanned the first {scanned} bytes only" : note;
        return new VmcoreLog(PanicLog.Sanitize(window.AsSpan(0, got)), "byte scan", reason);
    }
}
