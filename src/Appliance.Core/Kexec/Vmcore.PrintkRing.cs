using System.Buffers.Binary;

namespace Appliance.Core.Kexec;

/// <summary>The printk ringbuffer (kernel/printk/printk_ringbuffer.h, 5.10 and later) read record by record, or as one data ring.</summary>
public static partial class Vmcore
{
    /// <summary>Largest data ring read: log_buf_len is capped at 2 GiB (LOG_BUF_LEN_MAX), but a ring over 32 MiB is not a log an excerpt needs.</summary>
    private const long MaxRingBytes = 32L << 20;

    // printk_ringbuffer.h: a descriptor's state is the top two bits of its state_var (64-bit).
    private const int DescFlagsShift = 62;
    private const ulong DescCommitted = 1;
    private const ulong DescFinalized = 2;

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
}
