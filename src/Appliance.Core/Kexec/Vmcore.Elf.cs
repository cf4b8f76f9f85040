using System.Buffers.Binary;
using Appliance.Core.Collections;

namespace Appliance.Core.Kexec;

/// <summary>The ELF64 side of a vmcore: program headers, note segments, and reads by virtual address through the PT_LOAD segments.</summary>
public static partial class Vmcore
{
    private const uint PT_LOAD = 1;
    private const uint PT_NOTE = 4;
    private const int ElfHeaderSize = 64;
    private const int ProgramHeaderSize = 56;

    private static ReadOnlySpan<byte> ElfMagic => [0x7f, (byte)'E', (byte)'L', (byte)'F'];

    public sealed record Segment(ulong VirtualAddress, ulong PhysicalAddress, long FileOffset, long FileSize);

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
}
