using System.Buffers.Binary;

namespace Appliance.Core.Kexec;

/// <summary>
/// Whether a file's first bytes are a Linux kernel image a boot loader can start. A trial whose
/// kernel is empty (a failed copy, a full /boot) or some other file costs GRUB a try per boot
/// for nothing, so staging refuses it while the operator is still there to read why.
/// </summary>
public static class KernelImage
{
    /// <summary>How many leading bytes <see cref="Problem"/> looks at: enough for every header it knows.</summary>
    public const int HeaderBytes = 0x210;

    /// <summary>
    /// Why <paramref name="head"/> (the file's first bytes, up to <see cref="HeaderBytes"/>) is not a
    /// kernel image, or null when it is one. <paramref name="fileLength"/> is the whole file's size.
    /// </summary>
    public static string? Problem(ReadOnlySpan<byte> head, long fileLength)
    {
        if (fileLength == 0)
        {
            return "it is empty (0 bytes); reinstall the kernel package";
        }

        // x86 bzImage: the setup header's magic "HdrS" at 0x202 (Documentation/arch/x86/boot.rst).
        if (head.Length >= 0x206 && BinaryPrimitives.ReadUInt32LittleEndian(head[0x202..]) == 0x53726448)
        {
            return null;
        }

        // arm64 and RISC-V Image headers keep their magic at 0x38 (Documentation/arch/arm64/booting.rst:
        // "ARM\x64"; Documentation/arch/riscv/boot-image-header.rst: "RSC\x05").
        if (head.Length >= 0x3C && (head[0x38..0x3C].SequenceEqual("ARM\x64"u8) || head[0x38..0x3C].SequenceEqual("RSC\x05"u8)))
        {
            return null;
        }

        // A PE image (EFI stub, EFI zboot) starts with the DOS header "MZ"; an uncompressed
        // vmlinux is ELF.
        if (head.StartsWith("MZ"u8) || head.StartsWith(ElfMagic))
        {
            return null;
        }

        return $"it is not a Linux kernel image ({fileLength} bytes, starting {Show(head)}: no x86 bzImage header, no arm64 or RISC-V Image header, not PE/EFI nor ELF); point the entry at a vmlinuz";
    }

    /// <summary>ELFMAG in include/uapi/linux/elf.h.</summary>
    private static ReadOnlySpan<byte> ElfMagic => [0x7F, (byte)'E', (byte)'L', (byte)'F'];

    private static string Show(ReadOnlySpan<byte> head) => "0x" + Convert.ToHexStringLower(head[..Math.Min(head.Length, 8)]);
}
