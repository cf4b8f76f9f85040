using System.Text;

namespace Appliance.Core.Health;

/// <summary>
/// Keeps a check's output within a byte limit however much it prints: the first half of the
/// limit and the last half, with a marker saying how much was dropped between them. A failing
/// script usually says why in its last lines, and what it was doing in its first.
/// </summary>
public sealed class OutputCapture
{
    private readonly int _headLimit;
    private readonly byte[] _head;
    private readonly byte[] _tail;
    private int _headLength;
    private long _tailWritten;

    public OutputCapture(int limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limitBytes, 2);
        _headLimit = limitBytes / 2;
        _head = new byte[_headLimit];
        _tail = new byte[limitBytes - _headLimit];
    }

    /// <summary>Every byte the process wrote, kept or not.</summary>
    public long TotalBytes { get; private set; }

    public bool Truncated => TotalBytes > _head.Length + _tail.Length;

    public void Append(ReadOnlySpan<byte> data)
    {
        TotalBytes += data.Length;
        int toHead = Math.Min(_headLimit - _headLength, data.Length);
        data[..toHead].CopyTo(_head.AsSpan(_headLength));
        _headLength += toHead;
        data = data[toHead..];

        // The tail is a ring: only the last _tail.Length bytes can survive.
        if (data.Length > _tail.Length)
        {
            _tailWritten += data.Length - _tail.Length;
            data = data[^_tail.Length..];
        }

        while (!data.IsEmpty)
        {
            int at = (int)(_tailWritten % _tail.Length);
            int n = Math.Min(_tail.Length - at, data.Length);
            data[..n].CopyTo(_tail.AsSpan(at));
            _tailWritten += n;
            data = data[n..];
        }
    }

    /// <summary>The kept bytes as UTF-8 text (invalid sequences replaced), with the marker where bytes were dropped.</summary>
    public override string ToString()
    {
        byte[] tail = TailBytes();
        if (!Truncated)
        {
            return Encoding.UTF8.GetString([.. _head.AsSpan(0, _headLength), .. tail]);
        }

        long dropped = TotalBytes - _headLength - tail.Length;
        return $"{Encoding.UTF8.GetString(_head, 0, _headLength)}\n[appliance: output truncated, {dropped} of {TotalBytes} bytes dropped]\n{Encoding.UTF8.GetString(tail)}";
    }

    private byte[] TailBytes()
    {
        int kept = (int)Math.Min(_tailWritten, _tail.Length);
        var bytes = new byte[kept];
        long start = _tailWritten - kept;
        for (int i = 0; i < kept; i++)
        {
            bytes[i] = _tail[(start + i) % _tail.Length];
        }

        return bytes;
    }
}
