using System.Text;

namespace Appliance.Core.Health;

/// <summary>
/// Keeps a check's output within a byte limit however much it prints: the first half of the
/// limit and the last half, with a marker saying how much was dropped between them. A failing
/// script usually says why in its last lines, and what it was doing in its first.
/// Memory grows with what is printed, not with the limit: the watchdog daemon runs its
/// command checks every second, and a silent check (the usual case) must not cost the
/// limit's 64 KiB of garbage each time (RSS grew by 190 KB/s before, tools/bench/watchdog.bench.sh).
/// </summary>
public sealed class OutputCapture
{
    private const int FirstHeadBytes = 256;

    private readonly int _headLimit;
    private readonly int _tailLimit;
    private byte[] _head = [];
    private byte[]? _tail;
    private int _headLength;
    private long _tailWritten;

    public OutputCapture(int limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limitBytes, 2);
        _headLimit = limitBytes / 2;
        _tailLimit = limitBytes - _headLimit;
    }

    /// <summary>Every byte the process wrote, kept or not.</summary>
    public long TotalBytes { get; private set; }

    public bool Truncated => TotalBytes > _headLimit + _tailLimit;

    public void Append(ReadOnlySpan<byte> data)
    {
        TotalBytes += data.Length;
        int toHead = Math.Min(_headLimit - _headLength, data.Length);
        if (_headLength + toHead > _head.Length)
        {
            Array.Resize(ref _head, Math.Min(_headLimit, Math.Max(FirstHeadBytes, Math.Max(_head.Length * 2, _headLength + toHead))));
        }

        data[..toHead].CopyTo(_head.AsSpan(_headLength));
        _headLength += toHead;
        data = data[toHead..];
        if (data.IsEmpty)
        {
            return;
        }

        // The tail is a ring: only the last _tailLimit bytes can survive.
        byte[] tail = _tail ??= new byte[_tailLimit];

        if (data.Length > tail.Length)
        {
            _tailWritten += data.Length - tail.Length;
            data = data[^tail.Length..];
        }

        while (!data.IsEmpty)
        {
            int at = (int)(_tailWritten % tail.Length);
            int n = Math.Min(tail.Length - at, data.Length);
            data[..n].CopyTo(tail.AsSpan(at));
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
        if (_tail is not { } tail)
        {
            return [];
        }

        int kept = (int)Math.Min(_tailWritten, tail.Length);
        var bytes = new byte[kept];
        long start = _tailWritten - kept;
        for (int i = 0; i < kept; i++)
        {
            bytes[i] = tail[(start + i) % tail.Length];
        }

        return bytes;
    }
}
