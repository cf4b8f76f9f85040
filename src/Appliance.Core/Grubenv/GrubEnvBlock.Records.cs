using System.Text;

namespace Appliance.Core.Grubenv;

/// <summary>Reading the block's records as GRUB does (grub-core/lib/envblk.c): lines, escapes, and where the free space starts.</summary>
public sealed partial class GrubEnvBlock
{
    private List<GrubEnvVariable> ReadVariables()
    {
        if (_buffer.Length < Signature.Length + 1 || !_buffer.AsSpan(0, Signature.Length).SequenceEqual(Signature))
        {
            throw Corrupt(0, "expected the signature \"# GRUB Environment Block\\n\" at the start");
        }

        var variables = new List<GrubEnvVariable>();
        int pend = _buffer.Length;
        int p = Signature.Length;
        while (p < pend)
        {
            if (_buffer[p] == Hash)
            {
                p = NextLine(p);
                continue;
            }

            int nameStart = p;
            while (p < pend && _buffer[p] != EqualsSign && _buffer[p] != Newline)
            {
                p++;
            }

            if (p == pend || _buffer[p] == Newline)
            {
                throw Corrupt(nameStart, "expected a 'name=value' record or a '#' comment, found a line without '='");
            }

            if (p == nameStart)
            {
                throw Corrupt(nameStart, "expected a variable name before '='");
            }

            int nameEnd = p;
            int valueStart = ++p;
            p += EscapedSpanLength(p, pend);
            if (p >= pend)
            {
                throw Corrupt(nameStart, "expected a newline ending the record, found the end of the block");
            }

            var (name, nameIsUtf8) = Decode(_buffer.AsSpan(nameStart, nameEnd - nameStart), nameStart, "a variable name");
            var (value, valueIsUtf8) = Decode(Unescape(valueStart, p), nameStart, "a value");
            variables.Add(new GrubEnvVariable(name, value, nameStart, nameIsUtf8 && valueIsUtf8));
            p++;
        }

        return variables;
    }

    private byte[] Unescape(int start, int end)
    {
        var bytes = new byte[end - start];
        int n = 0;
        for (int i = start; i < end; i++)
        {
            if (_buffer[i] == Backslash)
            {
                i++;
            }

            bytes[n++] = _buffer[i];
        }

        return bytes[..n];
    }

    /// <summary>
    /// Decodes a name or an unescaped value. GRUB reads both as C strings of bytes, so a NUL ends
    /// one early: <c>env list</c> would show something GRUB does not have, and the record counts
    /// as corrupt. Bytes that are not UTF-8 are what GRUB has too; they decode with U+FFFD for
    /// display and stay as they are in the block.
    /// </summary>
    private static (string Text, bool IsUtf8) Decode(ReadOnlySpan<byte> bytes, int recordOffset, string what)
    {
        if (bytes.Contains((byte)0))
        {
            throw Corrupt(recordOffset, $"expected {what} without NUL bytes (GRUB would cut it short there)");
        }

        try
        {
            return (StrictUtf8.GetString(bytes), true);
        }
        catch (DecoderFallbackException)
        {
            return (Encoding.UTF8.GetString(bytes), false);
        }
    }

    /// <summary>
    /// Where the <c>#</c> padding at the end starts. GRUB requires a newline just before it;
    /// without one it refuses every write to the block ("Broken" in <c>grub_envblk_set</c>).
    /// </summary>
    private int FreeSpaceStart()
    {
        int space = _buffer.Length - 1;
        while (space >= 0 && _buffer[space] == Hash)
        {
            space--;
        }

        if (space < 0 || _buffer[space] != Newline)
        {
            throw Corrupt(Math.Max(space, 0), "expected a newline before the '#' padding at the end of the block");
        }

        return space + 1;
    }

    /// <summary>Whether a line starts at <paramref name="offset"/>, walking the lines as GRUB does (a '\' escapes the byte after it).</summary>
    private bool StartsLine(int offset)
    {
        int p = Signature.Length;
        while (p < offset)
        {
            p = NextLine(p);
        }

        return p == offset;
    }

    private bool IsRecordOf(int p, byte[] name) =>
        p + name.Length < _buffer.Length
        && _buffer.AsSpan(p, name.Length).SequenceEqual(name)
        && _buffer[p + name.Length] == EqualsSign;

    /// <summary>Length of an escaped value starting at <paramref name="p"/>, up to its newline (which is not counted).</summary>
    private int EscapedSpanLength(int p, int pend)
    {
        int len = 0;
        while (p + len < pend && _buffer[p + len] != Newline)
        {
            len += _buffer[p + len] == Backslash ? 2 : 1;
        }

        return len;
    }

    private int NextLine(int p)
    {
        int pend = _buffer.Length;
        while (p < pend)
        {
            if (_buffer[p] == Backslash)
            {
                p += 2;
            }
            else if (_buffer[p] == Newline)
            {
                break;
            }
            else
            {
                p++;
            }
        }

        return p + 1;
    }

    private static int EscapedLength(byte[] value)
    {
        int n = 0;
        foreach (byte b in value)
        {
            n += b is Backslash or Newline ? 2 : 1;
        }

        return n;
    }
}
