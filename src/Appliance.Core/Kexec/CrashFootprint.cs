using System.Buffers.Binary;
using System.Globalization;

namespace Appliance.Core.Kexec;

/// <summary>The files the known-good entry loads, as the self-test measured them.</summary>
/// <param name="InitSize">The bzImage setup header's init_size; null when the image has none (not x86, or boot protocol before 2.10).</param>
public sealed record KernelFootprintInput(long KernelBytes, uint? InitSize, long InitrdBytes);

/// <summary>
/// How much of the crashkernel= reservation the known-good kernel needs to be loaded there and
/// boot to the validator. The estimate, stated in every message that uses it:
/// <list type="bullet">
/// <item>the kernel: the bzImage's init_size, page aligned, because kexec_file_load reserves exactly
/// that for the kernel segment (arch/x86/kernel/kexec-bzimage64.c bzImage64_load:
/// <c>kbuf.memsz = PAGE_ALIGN(header->init_size)</c>): the room the kernel needs to decompress
/// itself and run in place. Without an x86 header, <see cref="DecompressionFactor"/> times the
/// file's size, the ratio of init_size to file size of the x86 kernels we measured rounded up;</item>
/// <item>plus the initrds as they are, page aligned;</item>
/// <item>plus <see cref="CrashKernel.HeadroomBytes"/> for purgatory, boot parameters, page tables,
/// the unpacked initramfs and the agent's userspace, the room arming already asks for.</item>
/// </list>
/// The arming check (<see cref="CrashKernel.Check"/>) counts the compressed file instead of
/// init_size, so this estimate is the stricter of the two.
/// </summary>
public static class CrashFootprint
{
    /// <summary>Offset of init_size in the setup header (Documentation/arch/x86/boot.rst: 0260/4, protocol 2.10+).</summary>
    public const int InitSizeOffset = 0x260;

    /// <summary>Leading bytes <see cref="InitSize"/> needs.</summary>
    public const int HeaderBytes = InitSizeOffset + 4;

    /// <summary>Assumed decompressed-to-file ratio for an image without init_size.</summary>
    public const int DecompressionFactor = 4;

    private const long PageBytes = 4096;

    /// <summary>The setup header's init_size, or null when <paramref name="head"/> is no bzImage of protocol 2.10 or later.</summary>
    public static uint? InitSize(ReadOnlySpan<byte> head)
    {
        // "HdrS" at 0x202 and the protocol version at 0x206 (Documentation/arch/x86/boot.rst).
        if (head.Length < HeaderBytes || BinaryPrimitives.ReadUInt32LittleEndian(head[0x202..]) != 0x53726448)
        {
            return null;
        }

        return BinaryPrimitives.ReadUInt16LittleEndian(head[0x206..]) >= 0x020A ? BinaryPrimitives.ReadUInt32LittleEndian(head[InitSizeOffset..]) : null;
    }

    /// <summary>The kernel's share of the estimate: init_size, or the file times <see cref="DecompressionFactor"/>.</summary>
    public static long KernelBytes(KernelFootprintInput input) =>
        input.InitSize is { } init ? PageAlign(init) : PageAlign(checked(input.KernelBytes * DecompressionFactor));

    /// <summary>The whole estimate in bytes.</summary>
    public static long Needed(KernelFootprintInput input) =>
        checked(KernelBytes(input) + PageAlign(input.InitrdBytes) + CrashKernel.HeadroomBytes);

    /// <summary>How the estimate was made, for a message: "init_size 38M + initrd 20M + 96M margin".</summary>
    public static string Explain(KernelFootprintInput input)
    {
        string kernel = input.InitSize is not null
            ? $"the kernel's init_size from its bzImage header {Mib(KernelBytes(input))}"
            : string.Create(CultureInfo.InvariantCulture, $"the kernel file {Mib(input.KernelBytes)} x {DecompressionFactor} for decompression (no bzImage init_size)");
        return $"{kernel} + initrd {Mib(input.InitrdBytes)} + {Mib(CrashKernel.HeadroomBytes)} for purgatory, page tables, the unpacked initramfs and the agent";
    }

    /// <summary>Bytes rounded up to whole MiB in the kernel's spelling ("38M"), below 1 MiB to whole KiB: a message needs no byte counts.</summary>
    public static string Mib(long bytes)
    {
        int shift = bytes < (1L << 20) ? 10 : 20;
        long unit = 1L << shift;
        return CrashKernel.FormatSize(checked((bytes + unit - 1) >> shift << shift));
    }

    private static long PageAlign(long bytes) => checked((bytes + PageBytes - 1) / PageBytes * PageBytes);
}
