using System.Buffers.Binary;
using System.Text;

namespace Appliance.Core.Quarantine;

/// <summary>
/// Which kernel build a file is: its release string and the SHA-256 of its bytes. The release
/// names the kernel to people; the hash tells a rebuild of the same release from the build that
/// failed. <see cref="Sha256"/> is null when the file could not be read (a trial whose kernel
/// failed to load because it is gone).
/// </summary>
public sealed record KernelIdentity(string Release, string? Sha256)
{
    /// <summary>How many leading bytes <see cref="ReleaseOf"/> needs: the setup code holds the version string, and is at most 64 sectors of 512 bytes after the boot sector.</summary>
    public const int HeadBytes = 0x200 * 65;

    /// <summary>
    /// The release an image names, or null when it names none this knows how to read. Only x86
    /// bzImages carry it where a reader can find it without decompressing the kernel: the
    /// setup header's kernel_version field (Documentation/arch/x86/boot.rst: offset 0x20E, two
    /// bytes, protocol 2.00+) points to a NUL-terminated string "less 0x200", so the string
    /// starts at that value + 0x200. The string is "RELEASE (builder) #N SMP ..."; the release is
    /// its first word, what <c>uname -r</c> prints.
    /// </summary>
    public static string? ReleaseOf(ReadOnlySpan<byte> head)
    {
        // The setup header's magic "HdrS" at 0x202 (boot.rst) says the fields after it are the header's.
        if (head.Length < 0x210 || BinaryPrimitives.ReadUInt32LittleEndian(head[0x202..]) != 0x53726448)
        {
            return null;
        }

        int pointer = BinaryPrimitives.ReadUInt16LittleEndian(head[0x20E..]);
        int start = pointer + 0x200;
        if (pointer == 0 || start >= head.Length)
        {
            return null;
        }

        var rest = head[start..];
        int end = rest.IndexOfAny((byte)0, (byte)' ');
        var word = end < 0 ? rest : rest[..end];
        if (word.Length is 0 or > 128 || !IsPrintable(word))
        {
            return null;
        }

        return Encoding.ASCII.GetString(word);
    }

    /// <summary>
    /// The release a kernel file's name carries, as distributions name them
    /// (<c>/boot/vmlinuz-6.1.0-55-amd64</c>, <c>Image-6.6.0</c>): the part after the first '-';
    /// a name without one is its own release. For images whose header holds no version
    /// (arm64, RISC-V, PE, ELF) and for a file that is gone.
    /// </summary>
    public static string ReleaseFromName(string path)
    {
        int slash = path.LastIndexOf('/');
        string name = slash < 0 ? path : path[(slash + 1)..];
        int dash = name.IndexOf('-');
        return dash > 0 && dash < name.Length - 1 ? name[(dash + 1)..] : name;
    }

    private static bool IsPrintable(ReadOnlySpan<byte> text)
    {
        foreach (byte b in text)
        {
            if (b is < 0x21 or > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The release, and a short form of the hash (or that it is unknown), for messages.</summary>
    public override string ToString() => Sha256 is { } hash ? $"{Release} (sha256 {hash[..Math.Min(12, hash.Length)]})" : $"{Release} (file unreadable, no hash)";
}
