using System.Buffers.Binary;

namespace Appliance.Core.Kexec;

/// <summary>What a kernel image's PE headers say about an Authenticode signature.</summary>
public enum KernelSignatureState
{
    /// <summary>No PE image (no "MZ"/"PE\0\0"): an x86 bzImage built without the EFI stub, an arm64 Image without it, ELF; nothing to verify a signature against.</summary>
    NotPe,

    /// <summary>A PE image whose certificate table (data directory 4) is empty.</summary>
    Unsigned,

    /// <summary>A PE image with a non-empty certificate table inside the file.</summary>
    Signed,

    /// <summary>The bytes given end before the headers do, or the headers point outside the file: cannot tell.</summary>
    Unreadable,
}

/// <summary>
/// Whether a kernel image carries a PE Authenticode signature, the only kind kexec_file_load
/// verifies for a bzImage (arch/x86/kernel/kexec-bzimage64.c bzImage64_verify_sig calls
/// verify_pefile_signature, crypto/asymmetric_keys/verify_pefile.c, which reads the certificate
/// table and refuses an empty one as "Unsigned PE binary"). Under lockdown kernel/kexec_file.c
/// kimage_validate_signature turns a failed verification into -EPERM, so an unsigned known-good
/// kernel cannot be armed there. This only checks that a signature is present, not that a key in
/// the kernel's keyrings accepts it.
/// </summary>
public static class KernelSignature
{
    /// <summary>Leading bytes <see cref="Read"/> needs for any image whose PE header starts in the first 60 KiB.</summary>
    public const int HeaderBytes = 64 * 1024;

    // PE/COFF layout (Microsoft PE format: "MS-DOS Stub", "COFF File Header", "Optional Header Data Directories").
    private const int PeOffsetField = 0x3C;
    private const int CoffHeaderBytes = 20;
    private const ushort Pe32Magic = 0x10B;
    private const ushort Pe32PlusMagic = 0x20B;
    private const int CertificateTableIndex = 4;

    /// <param name="head">The file's first bytes, up to <see cref="HeaderBytes"/>.</param>
    /// <param name="fileLength">The whole file's size: the certificate table must lie inside it.</param>
    public static KernelSignatureState Read(ReadOnlySpan<byte> head, long fileLength)
    {
        if (head.Length < PeOffsetField + 4 || !head.StartsWith("MZ"u8))
        {
            return KernelSignatureState.NotPe;
        }

        uint pe = BinaryPrimitives.ReadUInt32LittleEndian(head[PeOffsetField..]);
        if (pe > (uint)head.Length - 4)
        {
            return KernelSignatureState.Unreadable;
        }

        if (!head[(int)pe..].StartsWith("PE\0\0"u8))
        {
            return KernelSignatureState.NotPe;
        }

        int optional = (int)pe + 4 + CoffHeaderBytes;
        if (optional + 2 > head.Length)
        {
            return KernelSignatureState.Unreadable;
        }

        // NumberOfRvaAndSizes and the directories sit 16 bytes further in PE32+ (64-bit ImageBase and stack/heap sizes).
        int countField = BinaryPrimitives.ReadUInt16LittleEndian(head[optional..]) switch
        {
            Pe32Magic => optional + 92,
            Pe32PlusMagic => optional + 108,
            _ => -1,
        };
        if (countField < 0)
        {
            return KernelSignatureState.Unreadable;
        }

        int directories = countField + 4;
        int entry = directories + (CertificateTableIndex * 8);
        if (entry + 8 > head.Length)
        {
            return KernelSignatureState.Unreadable;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(head[countField..]) <= CertificateTableIndex)
        {
            return KernelSignatureState.Unsigned;
        }

        // The certificate table's "address" is a file offset, not an RVA.
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(head[entry..]);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(head[(entry + 4)..]);
        if (size == 0)
        {
            return KernelSignatureState.Unsigned;
        }

        return (long)offset + size <= fileLength ? KernelSignatureState.Signed : KernelSignatureState.Unreadable;
    }
}
