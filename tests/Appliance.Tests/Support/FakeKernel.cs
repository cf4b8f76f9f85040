using System.Buffers.Binary;
using System.Text;

namespace Appliance.Tests.Support;

/// <summary>A stand-in for a kernel file in fake trees: the x86 setup header's "HdrS" magic at 0x202 and nothing bootable.</summary>
public static class FakeKernel
{
    /// <summary>Where the fake puts its version string: inside the setup code, as a real bzImage does.</summary>
    private const int VersionAt = 0x300;

    /// <summary>
    /// A fake bzImage; with <paramref name="version"/>, its setup header's kernel_version field
    /// (Documentation/arch/x86/boot.rst: 0x20E, a pointer "less 0x200") points to
    /// "VERSION (builder@example) #BUILD SMP". <paramref name="build"/> makes builds of one
    /// release differ, as rebuilds do.
    /// </summary>
    public static byte[] BzImage(string? version = null, int build = 0)
    {
        var bytes = new byte[0x400];
        "HdrS"u8.CopyTo(bytes.AsSpan(0x202));
        if (version is not null)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x20E), VersionAt - 0x200);
            Encoding.ASCII.GetBytes($"{version} (builder@example) #{build} SMP\0").CopyTo(bytes.AsSpan(VersionAt));
        }
        else
        {
            bytes[^1] = (byte)build;
        }

        return bytes;
    }

    /// <summary>Writes a fake bzImage at <paramref name="relative"/> under <paramref name="dir"/>.</summary>
    public static string WriteKernel(this TempDir dir, string relative, string? version = null, int build = 0)
    {
        string path = dir.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, BzImage(version, build));
        return path;
    }
}

/// <summary>
/// An x86 EFI-stub kernel's headers as the escape-hatch self-test reads them: "MZ" and a PE32+
/// header (with or without a certificate table in data directory 4) and the setup header's
/// "HdrS", boot protocol version and init_size (Documentation/arch/x86/boot.rst).
/// </summary>
public static class FakeEfiKernel
{
    public const int PeOffset = 0x80;
    public const int CertificateOffset = 0x800;

    public static byte[] Image(bool signed, uint? initSize = null, int length = 0x1000)
    {
        var bytes = new byte[length];
        "MZ"u8.CopyTo(bytes);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x3C), PeOffset);
        "PE\0\0"u8.CopyTo(bytes.AsSpan(PeOffset));
        int optional = PeOffset + 4 + 20;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(optional), 0x20B);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(optional + 108), 16);
        int certificates = optional + 112 + (4 * 8);
        if (signed)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(certificates), CertificateOffset);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(certificates + 4), 0x100);
        }

        "HdrS"u8.CopyTo(bytes.AsSpan(0x202));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x206), 0x020F);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x260), initSize ?? 0);
        return bytes;
    }
}
