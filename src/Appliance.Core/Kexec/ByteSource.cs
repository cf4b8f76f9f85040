namespace Appliance.Core.Kexec;

/// <summary>Random-access bytes: /proc/vmcore on a machine, an array in a test.</summary>
public interface IByteSource
{
    long Length { get; }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; returns how many (0 at the end).</summary>
    int Read(long offset, Span<byte> buffer);
}

public sealed class ByteArraySource(byte[] bytes) : IByteSource
{
    public long Length => bytes.Length;

    public int Read(long offset, Span<byte> buffer)
    {
        if (offset >= bytes.Length)
        {
            return 0;
        }

        int n = (int)Math.Min(buffer.Length, bytes.Length - offset);
        bytes.AsSpan((int)offset, n).CopyTo(buffer);
        return n;
    }
}
