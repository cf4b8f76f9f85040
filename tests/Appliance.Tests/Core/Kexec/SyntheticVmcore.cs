using System.Buffers.Binary;
using System.Text;

namespace Appliance.Tests.Core.Kexec;

/// <summary>
/// Builds a small ELF64 core shaped like /proc/vmcore of a 6.1 kernel: a VMCOREINFO note, a
/// PT_LOAD for the kernel image holding <c>prb</c>, the ring structure and a wrapped printk
/// text data ring (blocks of an 8-byte id, the text, padding to 8 bytes, as
/// kernel/printk/printk_ringbuffer.c lays them out), and a PT_LOAD of "RAM" with whatever the
/// test puts there.
/// </summary>
public sealed class SyntheticVmcore
{
    public const ulong KernelBase = 0xffffffff81000000;
    public const ulong RamBase = 0xffff888000000000;
    private const ulong PrbSymbol = KernelBase + 0x100;
    private const ulong RingStruct = KernelBase + 0x200;
    private const ulong DataRing = KernelBase + 0x1000;
    private const int TextRingOffset = 48;

    public int RingBits { get; init; } = 12;

    /// <summary>Records, oldest first, written into the data ring (it wraps when they exceed it).</summary>
    public List<string> Records { get; } = [];

    /// <summary>Bytes of the "RAM" segment, after the kernel image in the file.</summary>
    public byte[] Ram { get; set; } = new byte[16 * 1024];

    public bool WithVmcoreInfo { get; init; } = true;

    public byte[] Build()
    {
        int ringSize = 1 << RingBits;
        int kernelSize = (int)(DataRing - KernelBase) + ringSize;
        byte[] kernel = new byte[kernelSize];
        ulong lpos = 0;
        ulong id = 0xfffffffffffff000;
        foreach (string record in Records)
        {
            byte[] text = Encoding.ASCII.GetBytes(record);
            int block = (8 + text.Length + 7) & ~7;
            if ((int)(lpos % (ulong)ringSize) + block > ringSize)
            {
                lpos += (ulong)ringSize - (lpos % (ulong)ringSize);
            }

            int at = (int)(DataRing - KernelBase) + (int)(lpos % (ulong)ringSize);
            BinaryPrimitives.WriteUInt64LittleEndian(kernel.AsSpan(at), id++);
            text.CopyTo(kernel.AsSpan(at + 8));
            kernel.AsSpan(at + 8 + text.Length, block - 8 - text.Length).Clear();
            lpos += (ulong)block;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(kernel.AsSpan((int)(PrbSymbol - KernelBase)), RingStruct);
        int ring = (int)(RingStruct - KernelBase) + TextRingOffset;
        BinaryPrimitives.WriteUInt32LittleEndian(kernel.AsSpan(ring), (uint)RingBits);
        BinaryPrimitives.WriteUInt64LittleEndian(kernel.AsSpan(ring + 8), DataRing);
        BinaryPrimitives.WriteUInt64LittleEndian(kernel.AsSpan(ring + 16), lpos);

        string info = string.Join('\n',
            "OSRELEASE=6.1.0-13-amd64",
            "PAGESIZE=4096",
            $"SYMBOL(prb)={PrbSymbol:x}",
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
