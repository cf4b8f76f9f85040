using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Appliance.Core.Collections;

namespace Appliance.Core.Kexec;

/// <summary>Random-access bytes: /proc/vmcore on a machine, an array in a test.</summary>
public interface IByteSource
{
    long Length { get; }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; returns how many (0 at the end).</summary>
    int Read(long offset, Span<byte> buffer);
}

public sealed class ByteArraySource(byte[] bytes) : IByteSource
{
    public long Length => bytes.Length;

    public int Read(long offset, Span<byte> buffer)
    {
        if (offset >= bytes.Length)
        {
            return 0;
        }

        int n = (int)Math.Min(buffer.Length, bytes.Length - offset);
        bytes.AsSpan((int)offset, n).CopyTo(buffer);
        return n;
    }
}

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
public static class Vmcore
{
    private const uint PT_LOAD = 1;
    private const uint PT_NOTE = 4;
    private const int ElfHeaderSize = 64;
    private const int ProgramHeaderSize = 56;

    /// <summary>Largest data ring read: log_buf_len is capped at 2 GiB (LOG_BUF_LEN_MAX), but a ring over 32 MiB is not a log an excerpt needs.</summary>
    private const long MaxRingBytes = 32L << 20;

    private const int ScanChunk = 4 << 20;

    // printk_ringbuffer.h: a descriptor's state is the top two bits of its state_var (64-bit).
    private const int DescFlagsShift = 62;
    private const ulong DescCommitted = 1;
    private const ulong DescFinalized = 2;

    private static ReadOnlySpan<byte> ElfMagic => [0x7f, (byte)'E', (byte)'L', (byte)'F'];

    public sealed record Segment(ulong VirtualAddress, ulong PhysicalAddress, long FileOffset, long FileSize);

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

    /// <summary>The PT_LOAD segments and the PT_NOTE extents of an ELF64 little-endian core.</summary>
    public static (IReadOnlyList<Segment> Loads, IReadOnlyList<(long Offset, long Size)> Notes) ReadHeaders(IByteSource core)
    {
        Span<byte> header = stackalloc byte[ElfHeaderSize];
        if (ReadFully(core, 0, header) != ElfHeaderSize || !header[..4].SequenceEqual(ElfMagic))
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (header[4] != 2 || header[5] != 1)
        {
            throw new InvalidDataException("not a 64-bit little-endian ELF core");
        }

        long phoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(header[0x20..]);
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(header[0x36..]);
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(header[0x38..]);
        if (phentsize < ProgramHeaderSize || phnum == 0 || phoff <= 0 || phoff >= core.Length)
        {
            throw new InvalidDataException("ELF program headers are missing or malformed");
        }

        var loads = new List<Segment>();
        var notes = new List<(long, long)>();
        byte[] entry = new byte[ProgramHeaderSize];
        for (int k = 0; k < phnum; k++)
        {
            if (ReadFully(core, phoff + ((long)k * phentsize), entry) != ProgramHeaderSize)
            {
                throw new InvalidDataException("ELF program headers are truncated");
            }

            var e = entry.AsSpan();
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(e);
            long offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(e[8..]);
            ulong vaddr = BinaryPrimitives.ReadUInt64LittleEndian(e[16..]);
            ulong paddr = BinaryPrimitives.ReadUInt64LittleEndian(e[24..]);
            long filesz = (long)BinaryPrimitives.ReadUInt64LittleEndian(e[32..]);
            if (offset < 0 || filesz < 0)
            {
                continue;
            }

            if (type == PT_LOAD)
            {
                loads.Add(new Segment(vaddr, paddr, offset, filesz));
            }
            else if (type == PT_NOTE)
            {
                notes.Add((offset, filesz));
            }
        }

        return (loads, notes);
    }

    /// <summary>The VMCOREINFO note's key=value lines, or null when the core has none.</summary>
    public static IReadOnlyDictionary<string, string>? VmcoreInfo(IByteSource core, IReadOnlyList<(long Offset, long Size)> notes)
    {
        foreach (var (offset, size) in notes)
        {
            if (size is <= 0 or > (16 << 20))
            {
                continue;
            }

            byte[] data = new byte[size];
            int read = ReadFully(core, offset, data);
            int pos = 0;
            while (pos + 12 <= read)
            {
                int namesz = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos));
                int descsz = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos + 4));
                if (namesz < 0 || descsz < 0)
                {
                    break;
                }

                int nameStart = pos + 12;
                int descStart = nameStart + Align4(namesz);
                int next = descStart + Align4(descsz);
                if (next > read || next <= pos)
                {
                    break;
                }

                string name = Encoding.ASCII.GetString(data, nameStart, Math.Max(0, namesz - 1));
                if (name == "VMCOREINFO")
                {
                    return ParseInfo(Encoding.ASCII.GetString(data, descStart, descsz));
                }

                pos = next;
            }
        }

        return null;
    }

    public static IReadOnlyDictionary<string, string> ParseInfo(string text)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            int equals = line.IndexOf('=');
            if (equals > 0)
            {
                map[line[..equals]] = line[(equals + 1)..].TrimEnd('\0');
            }
        }

        return map;
    }

    /// <summary>The text data ring: its address and size in bits, or null with why not.</summary>
    private static (ulong Prb, ulong Ring, ulong Data, int Bits)? TextRing(IByteSource core, IReadOnlyList<Segment> segments, IReadOnlyDictionary<string, string> info, out string note)
    {
        if (!Hex(info, "SYMBOL(prb)", out ulong prbSymbol)
            || !Dec(info, "OFFSET(printk_ringbuffer.text_data_ring)", out ulong textRing)
            || !Dec(info, "OFFSET(prb_data_ring.size_bits)", out ulong sizeBitsOffset)
            || !Dec(info, "OFFSET(prb_data_ring.data)", out ulong dataOffset))
        {
            note = "VMCOREINFO lacks the printk ring (a kernel before 5.10?)";
            return null;
        }

        Span<byte> word = stackalloc byte[8];
        if (!ReadVirtual(core, segments, prbSymbol, word))
        {
            note = "the prb pointer is outside the core's segments";
            return null;
        }

        ulong prb = BinaryPrimitives.ReadUInt64LittleEndian(word);
        ulong ring = prb + textRing;
        Span<byte> sizeBits = stackalloc byte[4];
        if (!ReadVirtual(core, segments, ring + sizeBitsOffset, sizeBits)
            || !ReadVirtual(core, segments, ring + dataOffset, word))
        {
            note = "the printk ring structure is outside the core's segments";
            return null;
        }

        uint bits = BinaryPrimitives.ReadUInt32LittleEndian(sizeBits);
        if (bits is < 6 or > 31 || (1L << (int)bits) > MaxRingBytes)
        {
            note = $"the printk data ring size (2^{bits}) is implausible";
            return null;
        }

        note = "";
        return (prb, ring, BinaryPrimitives.ReadUInt64LittleEndian(word), (int)bits);
    }

    /// <summary>
    /// The records the descriptor ring says are whole (committed or finalized), each cut at its
    /// text_len and put in seq order. What kernel/printk/printk_ringbuffer.c prb_read_valid
    /// and get_data do, less the locking a dead kernel does not need.
    /// </summary>
    private static string? ReadRecords(IByteSource core, IReadOnlyList<Segment> segments, IReadOnlyDictionary<string, string> info, (ulong Prb, ulong Ring, ulong Data, int Bits) text, out string note)
    {
        if (!Dec(info, "OFFSET(printk_ringbuffer.desc_ring)", out ulong descRingOffset)
            || !Dec(info, "OFFSET(prb_desc_ring.count_bits)", out ulong countBitsOffset)
            || !Dec(info, "OFFSET(prb_desc_ring.descs)", out ulong descsOffset)
            || !Dec(info, "OFFSET(prb_desc_ring.infos)", out ulong infosOffset)
            || !Dec(info, "SIZE(prb_desc)", out ulong descSize)
            || !Dec(info, "OFFSET(prb_desc.state_var)", out ulong stateOffset)
            || !Dec(info, "OFFSET(prb_desc.text_blk_lpos)", out ulong lposOffset)
            || !Dec(info, "OFFSET(prb_data_blk_lpos.begin)", out ulong beginOffset)
            || !Dec(info, "OFFSET(prb_data_blk_lpos.next)", out ulong nextOffset)
            || !Dec(info, "SIZE(printk_info)", out ulong infoSize)
            || !Dec(info, "OFFSET(printk_info.seq)", out ulong seqOffset)
            || !Dec(info, "OFFSET(printk_info.text_len)", out ulong textLenOffset))
        {
            note = "VMCOREINFO lacks the printk descriptor ring";
            return null;
        }

        if (descSize is 0 or > 4096 || infoSize is 0 or > 4096
            || stateOffset + 8 > descSize
            || lposOffset + Math.Max(beginOffset, nextOffset) + 8 > descSize
            || seqOffset + 8 > infoSize || textLenOffset + 2 > infoSize)
        {
            note = "the printk descriptor layout in VMCOREINFO is implausible";
            return null;
        }

        ulong descRing = text.Prb + descRingOffset;
        Span<byte> word = stackalloc byte[8];
        Span<byte> countBits = stackalloc byte[4];
        if (!ReadVirtual(core, segments, descRing + countBitsOffset, countBits))
        {
            note = "the printk descriptor ring is outside the core's segments";
            return null;
        }

        // printk.c setup_log_buf: descriptors = data size >> PRB_AVGBITS, never more than bytes.
        uint bits = BinaryPrimitives.ReadUInt32LittleEndian(countBits);
        if (bits > (uint)text.Bits)
        {
            note = $"the printk descriptor count (2^{bits}) is implausible";
            return null;
        }

        int count = 1 << (int)bits;
        byte[] descs = new byte[(long)count * (long)descSize];
        byte[] infos = new byte[(long)count * (long)infoSize];
        if (!ReadVirtual(core, segments, descRing + descsOffset, word)
            || !ReadVirtual(core, segments, BinaryPrimitives.ReadUInt64LittleEndian(word), descs)
            || !ReadVirtual(core, segments, descRing + infosOffset, word)
            || !ReadVirtual(core, segments, BinaryPrimitives.ReadUInt64LittleEndian(word), infos))
        {
            note = "the printk descriptor or info array is outside the core's segments";
            return null;
        }

        int size = 1 << text.Bits;
        byte[] data = new byte[size];
        if (!ReadVirtual(core, segments, text.Data, data))
        {
            note = "the printk data ring is outside the core's segments";
            return null;
        }

        var records = new List<(ulong Seq, int Start, int Length)>();
        for (int k = 0; k < count; k++)
        {
            var desc = descs.AsSpan((int)((long)k * (long)descSize), (int)descSize);
            ulong state = BinaryPrimitives.ReadUInt64LittleEndian(desc[(int)stateOffset..]) >> DescFlagsShift;
            if (state is not (DescCommitted or DescFinalized))
            {
                continue;
            }

            ulong begin = BinaryPrimitives.ReadUInt64LittleEndian(desc[(int)(lposOffset + beginOffset)..]);
            ulong next = BinaryPrimitives.ReadUInt64LittleEndian(desc[(int)(lposOffset + nextOffset)..]);
            if (!DataBlock(begin, next, text.Bits, out int start, out int length))
            {
                continue;
            }

            var record = infos.AsSpan((int)((long)k * (long)infoSize), (int)infoSize);
            ulong seq = BinaryPrimitives.ReadUInt64LittleEndian(record[(int)seqOffset..]);
            int textLen = BinaryPrimitives.ReadUInt16LittleEndian(record[(int)textLenOffset..]);
            records.Add((seq, start, Math.Min(textLen, length)));
        }

        if (records.Count == 0)
        {
            note = "the printk descriptor ring holds no committed records";
            return null;
        }

        records.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        // Checked: a total that overflows must throw, not wrap.
        int total = 0;
        foreach (var (_, _, length) in records)
        {
            int withNewline = length + 1;
            total = checked(total + withNewline);
        }

        var log = new List<byte>(total);
        foreach (var (_, start, length) in records)
        {
            log.AddRange(data.AsSpan(start, length));
            log.Add((byte)'\n');
        }

        note = "";
        return PanicLog.Sanitize(log.ToArray());
    }

    /// <summary>
    /// Where a record's text is in the data ring, after the block's leading id (printk_ringbuffer.c
    /// get_data): at <c>begin</c> when <c>begin</c> and <c>next</c> are in the same lap, at 0 when
    /// the block wrapped (then <c>next</c>'s index is the block's end). False for data-less
    /// records (FAILED_LPOS, NO_LPOS / EMPTY_LINE_LPOS: bit 0 set) and for positions that make
    /// no sense. The laps are compared as the kernel does, by adding the ring size, so the
    /// positions' overflow through 2^64 (they start at -size) is no wrap of ours.
    /// </summary>
    internal static bool DataBlock(ulong begin, ulong next, int bits, out int start, out int length)
    {
        start = 0;
        length = 0;
        if (((begin | next) & 7) != 0)
        {
            return false;
        }

        ulong size = 1UL << bits;
        ulong mask = size - 1;
        ulong blockStart;
        ulong blockSize;
        unchecked
        {
            if (begin >> bits == next >> bits && begin < next)
            {
                blockStart = begin & mask;
                blockSize = next - begin;
            }
            else if ((begin + size) >> bits == next >> bits)
            {
                // A block ending exactly at the ring's end (next at the lap's start), which
                // kernels since 6.x may leave in place; older ones always moved it to 0.
                blockSize = (next & mask) == 0 ? next - begin : next & mask;
                blockStart = (next & mask) == 0 ? begin & mask : 0;
            }
            else
            {
                return false;
            }
        }

        if (blockSize < 8 || blockStart + blockSize > size)
        {
            return false;
        }

        start = (int)blockStart + 8;
        length = (int)blockSize - 8;
        return true;
    }

    /// <summary>
    /// The whole text data ring, put in time order by its head position: what is left when the
    /// descriptors cannot be read. Without each record's length, the bytes after a record's text
    /// (the level prefix printk_sprint moved the text over, alignment padding) stay in the text.
    /// </summary>
    private static string? ReadDataRing(IByteSource core, IReadOnlyList<Segment> segments, IReadOnlyDictionary<string, string> info, (ulong Prb, ulong Ring, ulong Data, int Bits) text, out string note)
    {
        Span<byte> word = stackalloc byte[8];
        if (!Dec(info, "OFFSET(prb_data_ring.head_lpos)", out ulong headOffset)
            || !ReadVirtual(core, segments, text.Ring + headOffset, word))
        {
            note = "the printk ring head is unknown or outside the core's segments";
            return null;
        }

        ulong head = BinaryPrimitives.ReadUInt64LittleEndian(word);
        int size = 1 << text.Bits;
        byte[] buffer = new byte[size];
        if (!ReadVirtual(core, segments, text.Data, buffer))
        {
            note = "the printk data ring is outside the core's segments";
            return null;
        }

        // The ring is written forwards from the head's index and wraps; the bytes from the
        // index to the end are the oldest (or never written), the bytes before it the newest.
        int index = (int)(head & (ulong)(size - 1));
        byte[] ordered = [.. buffer.AsSpan(index), .. buffer.AsSpan(0, index)];
        note = "";
        return PanicLog.Sanitize(ordered);
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

    /// <summary>Reads <paramref name="buffer"/>.Length bytes at kernel virtual address <paramref name="address"/>, across segments if need be.</summary>
    public static bool ReadVirtual(IByteSource core, IReadOnlyList<Segment> segments, ulong address, Span<byte> buffer)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            ulong at = address + (ulong)done;
            Segment? segment = segments.Find(s => at >= s.VirtualAddress && at - s.VirtualAddress < (ulong)s.FileSize);
            if (segment is null)
            {
                return false;
            }

            long inSegment = (long)(at - segment.VirtualAddress);
            int n = (int)Math.Min(buffer.Length - done, segment.FileSize - inSegment);
            if (ReadFully(core, segment.FileOffset + inSegment, buffer.Slice(done, n)) != n)
            {
                return false;
            }

            done += n;
        }

        return true;
    }

    private static int ReadFully(IByteSource core, long offset, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = core.Read(offset + total, buffer[total..]);
            if (n <= 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private static int Align4(int n) => (n + 3) & ~3;

    // crash_core.h: VMCOREINFO_SYMBOL prints "%lx", VMCOREINFO_OFFSET "%lu".
    private static bool Hex(IReadOnlyDictionary<string, string> info, string key, out ulong value)
    {
        value = 0;
        return info.TryGetValue(key, out string? text) && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static bool Dec(IReadOnlyDictionary<string, string> info, string key, out ulong value)
    {
        value = 0;
        return info.TryGetValue(key, out string? text) && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
