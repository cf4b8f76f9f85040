using System.Buffers.Binary;
using System.Text;

namespace Appliance.Tests.Core.Kexec;

/// <summary>
/// Builds a small ELF64 core shaped like /proc/vmcore of a 6.1 kernel: a VMCOREINFO note, a
/// PT_LOAD for the kernel image holding <c>prb</c>, the ring structures, the descriptor and
/// printk_info arrays and the printk text data ring, and a PT_LOAD of "RAM" with whatever the
/// test puts there. Records are written as kernel/printk/printk_ringbuffer.c and printk.c do:
/// positions start at -size (BLK0_LPOS), a block is an 8-byte id, the text and padding to 8
/// bytes, a block that would reach the ring's end goes to offset 0 instead (its id written at
/// both places), and older records whose data or descriptor slot is taken become reusable.
/// Inside a block, the text is followed by what 6.1 printk_sprint leaves behind: it formats
/// "\u0001" + level + text + "\n" into the reserved space, strips the newline, then moves
/// the text two bytes left over the level prefix, so the old last two bytes of the text, the
/// newline and the terminator stay after text_len.
/// </summary>
public sealed class SyntheticVmcore
{
    public const ulong KernelBase = 0xffffffff81000000;
    public const ulong RamBase = 0xffff888000000000;
    private const ulong PrbSymbol = KernelBase + 0x100;
    private const ulong RingStruct = KernelBase + 0x200;
    private const ulong DataRing = KernelBase + 0x1000;
    private const int TextRingOffset = 48;
    private const int DescSize = 24;
    private const int InfoSize = 88;
    private const ulong IdMask = ~(3UL << 62);

    public int RingBits { get; init; } = 12;

    /// <summary>Descriptor count bits: the kernel's size_bits - PRB_AVGBITS (5) unless set.</summary>
    public int? DescBits { get; init; }

    /// <summary>Records, oldest first, written into the data ring (it wraps when they exceed it).</summary>
    public List<string> Records { get; } = [];

    /// <summary>A record still being written when the kernel died (descriptor reserved), after <see cref="Records"/>.</summary>
    public string? InFlight { get; init; }

    /// <summary>Leaves the last record committed but not finalized (a line without its newline yet).</summary>
    public bool LastCommittedOnly { get; init; }

    /// <summary>Bytes of the "RAM" segment, after the kernel image in the file.</summary>
    public byte[] Ram { get; set; } = new byte[16 * 1024];

    public bool WithVmcoreInfo { get; init; } = true;

    /// <summary>False for a VMCOREINFO with the data ring only, as if the descriptor entries were missing.</summary>
    public bool WithDescriptorInfo { get; init; } = true;

    /// <summary>Data ring positions (begin, next) of the records written, oldest first, for the tests to check what they cover.</summary>
    public List<(ulong Begin, ulong Next)> Blocks { get; } = [];

    public byte[] Build()
    {
        int ringSize = 1 << RingBits;
        int descBits = DescBits ?? (RingBits - 5);
        int count = 1 << descBits;
        int descsAt = (int)(DataRing - KernelBase) + ringSize;
        int infosAt = descsAt + (count * DescSize);
        int kernelSize = infosAt + (count * InfoSize);
        byte[] kernel = new byte[kernelSize];
        int dataAt = (int)(DataRing - KernelBase);

        // DESC0: the last descriptor starts reusable with FAILED_LPOS, the rest zero.
        ulong id = (0UL - (ulong)count - 1) & IdMask;
        WriteDesc(kernel, descsAt, count, id, 3, 1, 1);
        ulong lpos = 0UL - (ulong)ringSize;
        ulong tail = lpos;
        ulong seq = 0;
        var live = new Queue<(ulong Id, ulong Begin, ulong Next)>();
        Blocks.Clear();
        var all = Records.Select(r => (Text: r, State: 2UL)).ToList();
        if (LastCommittedOnly && all.Count > 0)
        {
            all[^1] = (all[^1].Text, 1UL);
        }

        if (InFlight is not null)
        {
            all.Add((InFlight, 0UL));
        }

        foreach (var (record, state) in all)
        {
            id = (id + 1) & IdMask;
            byte[] text = Encoding.ASCII.GetBytes(record);
            int reserved = 2 + text.Length + 1 + 1;
            ulong block = (ulong)((8 + reserved + 7) & ~7);
            ulong begin = lpos;
            ulong next = begin + block;
            bool wraps = (begin >> RingBits) != (next >> RingBits);
            if (wraps)
            {
                next = ((next >> RingBits) << RingBits) + block;
            }

            // desc_reserve pushes the oldest descriptor out when the ring is full; data_alloc
            // pushes the data tail past the space the new block needs. Either makes records reusable.
            while (live.Count > 0 && (live.Count >= count || next - tail > (ulong)ringSize))
            {
                var old = live.Dequeue();
                WriteDesc(kernel, descsAt, count, old.Id, 3, old.Begin, old.Next);
                tail = live.Count > 0 ? live.Peek().Begin : begin;
            }

            if (live.Count == 0)
            {
                tail = begin;
            }

            int index = (int)(begin & (ulong)(ringSize - 1));
            BinaryPrimitives.WriteUInt64LittleEndian(kernel.AsSpan(dataAt + index), id);
            int textAt = dataAt + index + 8;
            if (wraps)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(kernel.AsSpan(dataAt), id);
                textAt = dataAt + 8;
            }

            // printk_sprint: "\u0001" level text "\n" "\0", newline stripped, text moved 2 left.
            byte[] formatted = [1, (byte)'6', .. text, (byte)'\n', 0];
            formatted.CopyTo(kernel, textAt);
            formatted.AsSpan(2, text.Length).CopyTo(kernel.AsSpan(textAt));

            WriteDesc(kernel, descsAt, count, id, state, begin, next);
            var slot = kernel.AsSpan(infosAt + ((int)(id & (ulong)(count - 1)) * InfoSize), InfoSize);
            BinaryPrimitives.WriteUInt64LittleEndian(slot, seq++);
            BinaryPrimitives.WriteUInt64LittleEndian(slot[8..], seq * 1000);
            BinaryPrimitives.WriteUInt16LittleEndian(slot[16..], (ushort)text.Length);
            live.Enqueue((id, begin, next));
            Blocks.Add((begin, next));
            lpos = next;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(kernel.AsSpan((int)(PrbSymbol - KernelBase)), RingStruct);
        int descRing = (int)(RingStruct - KernelBase);
        BinaryPrimitives.WriteUInt32LittleEndian(kernel.AsSpan(descRing), (uint)descBits);
        BinaryPrimitives.WriteUInt64LittleEndian(kernel.AsSpan(descRing + 8), KernelBase + (ulong)descsAt);
        BinaryPrimitives.WriteUInt64LittleEndian(kernel.AsSpan(descRing + 16), KernelBase + (ulong)infosAt);
        BinaryPrimitives.WriteUInt64LittleEndian(kernel.AsSpan(descRing + 24), id);
        BinaryPrimitives.WriteUInt64LittleEndian(kernel.AsSpan(descRing + 32), live.Count > 0 ? live.Peek().Id : id);
        int ring = descRing + TextRingOffset;
        BinaryPrimitives.WriteUInt32LittleEndian(kernel.AsSpan(ring), (uint)RingBits);
        BinaryPrimitives.WriteUInt64LittleEndian(kernel.AsSpan(ring + 8), DataRing);
        BinaryPrimitives.WriteUInt64LittleEndian(kernel.AsSpan(ring + 16), lpos);
        BinaryPrimitives.WriteUInt64LittleEndian(kernel.AsSpan(ring + 24), tail);

        string[] descriptorInfo = WithDescriptorInfo
            ?
            [
                "OFFSET(printk_ringbuffer.desc_ring)=0",
                "SIZE(prb_desc_ring)=40",
                "OFFSET(prb_desc_ring.count_bits)=0",
                "OFFSET(prb_desc_ring.descs)=8",
                "OFFSET(prb_desc_ring.infos)=16",
                "OFFSET(prb_desc_ring.head_id)=24",
                "OFFSET(prb_desc_ring.tail_id)=32",
                $"SIZE(prb_desc)={DescSize}",
                "OFFSET(prb_desc.state_var)=0",
                "OFFSET(prb_desc.text_blk_lpos)=8",
                "SIZE(prb_data_blk_lpos)=16",
                "OFFSET(prb_data_blk_lpos.begin)=0",
                "OFFSET(prb_data_blk_lpos.next)=8",
                $"SIZE(printk_info)={InfoSize}",
                "OFFSET(printk_info.seq)=0",
                "OFFSET(printk_info.ts_nsec)=8",
                "OFFSET(printk_info.text_len)=16",
                "OFFSET(printk_info.caller_id)=20",
                "OFFSET(printk_info.dev_info)=24",
            ]
            : [];
        string info = string.Join('\n',
            "OSRELEASE=6.1.0-13-amd64",
            "PAGESIZE=4096",
            $"SYMBOL(prb)={PrbSymbol:x}",
            string.Join('\n', descriptorInfo),
            $"OFFSET(printk_ringbuffer.text_data_ring)={TextRingOffset}",
            "OFFSET(prb_data_ring.size_bits)=0",
            "OFFSET(prb_data_ring.data)=8",
            "OFFSET(prb_data_ring.head_lpos)=16",
            "OFFSET(prb_data_ring.tail_lpos)=24",
            "CRASHTIME=1795000000",
            "");
        byte[] note = WithVmcoreInfo ? Note("CORE", 1, new byte[336]).Concat(Note("VMCOREINFO", 0, Encoding.ASCII.GetBytes(info))).ToArray() : Note("CORE", 1, new byte[336]);

        const int phnum = 3;
        long noteOffset = 64 + (56 * phnum);
        long kernelOffset = (noteOffset + note.Length + 4095) & ~4095L;
        long ramOffset = kernelOffset + kernelSize;
        var file = new byte[ramOffset + Ram.Length];
        var header = file.AsSpan();
        header[0] = 0x7f;
        "ELF"u8.CopyTo(header[1..]);
        header[4] = 2;
        header[5] = 1;
        header[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(header[16..], 4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[18..], 62);
        BinaryPrimitives.WriteUInt64LittleEndian(header[0x20..], 64);
        BinaryPrimitives.WriteUInt16LittleEndian(header[0x34..], 64);
        BinaryPrimitives.WriteUInt16LittleEndian(header[0x36..], 56);
        BinaryPrimitives.WriteUInt16LittleEndian(header[0x38..], phnum);
        ProgramHeader(file, 0, 4, noteOffset, 0, 0, note.Length);
        ProgramHeader(file, 1, 1, kernelOffset, KernelBase, 0x1000000, kernelSize);
        ProgramHeader(file, 2, 1, ramOffset, RamBase, 0, Ram.Length);
        note.CopyTo(file, noteOffset);
        kernel.CopyTo(file, kernelOffset);
        Ram.CopyTo(file, ramOffset);
        return file;
    }

    private static void WriteDesc(byte[] kernel, int descsAt, int count, ulong id, ulong state, ulong begin, ulong next)
    {
        var desc = kernel.AsSpan(descsAt + ((int)(id & (ulong)(count - 1)) * DescSize), DescSize);
        BinaryPrimitives.WriteUInt64LittleEndian(desc, (state << 62) | id);
        BinaryPrimitives.WriteUInt64LittleEndian(desc[8..], begin);
        BinaryPrimitives.WriteUInt64LittleEndian(desc[16..], next);
    }

    private static void ProgramHeader(byte[] file, int index, uint type, long offset, ulong vaddr, ulong paddr, long size)
    {
        var p = file.AsSpan(64 + (56 * index));
        BinaryPrimitives.WriteUInt32LittleEndian(p, type);
        BinaryPrimitives.WriteUInt64LittleEndian(p[8..], (ulong)offset);
        BinaryPrimitives.WriteUInt64LittleEndian(p[16..], vaddr);
        BinaryPrimitives.WriteUInt64LittleEndian(p[24..], paddr);
        BinaryPrimitives.WriteUInt64LittleEndian(p[32..], (ulong)size);
        BinaryPrimitives.WriteUInt64LittleEndian(p[40..], (ulong)size);
    }

    private static byte[] Note(string name, uint type, byte[] desc)
    {
        byte[] nameBytes = [.. Encoding.ASCII.GetBytes(name), 0];
        int nameSize = (nameBytes.Length + 3) & ~3;
        int descSize = (desc.Length + 3) & ~3;
        byte[] note = new byte[12 + nameSize + descSize];
        BinaryPrimitives.WriteUInt32LittleEndian(note, (uint)nameBytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(note.AsSpan(4), (uint)desc.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(note.AsSpan(8), type);
        nameBytes.CopyTo(note, 12);
        desc.CopyTo(note, 12 + nameSize);
        return note;
    }

    /// <summary>RAM bytes holding <paramref name="text"/> at <paramref name="offset"/> amid binary noise.</summary>
    public static byte[] RamWith(string text, int offset, int size = 16 * 1024)
    {
        byte[] ram = new byte[size];
        new Random(7).NextBytes(ram);
        Encoding.ASCII.GetBytes(text).CopyTo(ram, offset);
        return ram;
    }
}
