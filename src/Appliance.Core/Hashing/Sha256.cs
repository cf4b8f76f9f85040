using System.Buffers.Binary;
using System.Numerics;

namespace Appliance.Core.Hashing;

/// <summary>
/// SHA-256 (FIPS 180-4, section 6.2) in managed code. .NET's own
/// <c>System.Security.Cryptography.SHA256</c> calls OpenSSL on Linux, and the appliance images
/// the agent runs on (the busybox board, initramfs-time validators) have no libssl: the first hash
/// aborted the process. The hash only names a kernel build for the quarantine; it is not a
/// security boundary, so speed beyond "a kernel in well under a second" is not needed.
/// </summary>
public sealed class Sha256
{
    /// <summary>Digest length in bytes.</summary>
    public const int HashBytes = 32;

    private const int BlockBytes = 64;

    // FIPS 180-4 section 4.2.2: the first 32 bits of the fractional parts of the cube roots of
    // the first 64 primes.
    private static readonly uint[] K =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    private readonly uint[] _state =
    [
        // FIPS 180-4 section 5.3.3: the initial hash value H(0).
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];

    private readonly uint[] _schedule = new uint[64];
    private readonly byte[] _pending = new byte[BlockBytes];
    private int _pendingCount;
    private ulong _totalBytes;
    private bool _finished;

    /// <summary>The digest of <paramref name="data"/>.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var sha = new Sha256();
        sha.Append(data);
        return sha.Finish();
    }

    /// <summary>Adds <paramref name="data"/> to the message.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (_finished)
        {
            throw new InvalidOperationException("The digest was already taken; start a new Sha256.");
        }

        _totalBytes += (ulong)data.Length;
        if (_pendingCount > 0)
        {
            int take = Math.Min(BlockBytes - _pendingCount, data.Length);
            data[..take].CopyTo(_pending.AsSpan(_pendingCount));
            _pendingCount += take;
            data = data[take..];
            if (_pendingCount < BlockBytes)
            {
                return;
            }

            Compress(_pending);
            _pendingCount = 0;
        }

        while (data.Length >= BlockBytes)
        {
            Compress(data[..BlockBytes]);
            data = data[BlockBytes..];
        }

        data.CopyTo(_pending);
        _pendingCount = data.Length;
    }

    /// <summary>Pads the message (FIPS 180-4 section 5.1.1) and returns the digest; the instance is spent afterwards.</summary>
    public byte[] Finish()
    {
        if (_finished)
        {
            throw new InvalidOperationException("The digest was already taken; start a new Sha256.");
        }

        ulong bits = _totalBytes * 8;
        Span<byte> tail = stackalloc byte[BlockBytes * 2];
        _pending.AsSpan(0, _pendingCount).CopyTo(tail);
        tail[_pendingCount] = 0x80;
        int length = _pendingCount + 1 + 8 <= BlockBytes ? BlockBytes : BlockBytes * 2;
        BinaryPrimitives.WriteUInt64BigEndian(tail.Slice(length - 8, 8), bits);
        for (int offset = 0; offset < length; offset += BlockBytes)
        {
            Compress(tail.Slice(offset, BlockBytes));
        }

        _finished = true;
        var digest = new byte[HashBytes];
        for (int i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest.AsSpan(i * 4, 4), _state[i]);
        }

        return digest;
    }

    private void Compress(ReadOnlySpan<byte> block)
    {
        uint[] w = _schedule;
        for (int t = 0; t < 16; t++)
        {
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block.Slice(t * 4, 4));
        }

        for (int t = 16; t < 64; t++)
        {
            uint s0 = BitOperations.RotateRight(w[t - 15], 7) ^ BitOperations.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint s1 = BitOperations.RotateRight(w[t - 2], 17) ^ BitOperations.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }

        uint a = _state[0], b = _state[1], c = _state[2], d = _state[3];
        uint e = _state[4], f = _state[5], g = _state[6], h = _state[7];
        for (int t = 0; t < 64; t++)
        {
            uint sum1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
            uint choose = (e & f) ^ (~e & g);
            uint t1 = h + sum1 + choose + K[t] + w[t];
            uint sum0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
            uint majority = (a & b) ^ (a & c) ^ (b & c);
            uint t2 = sum0 + majority;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }

        _state[0] += a;
        _state[1] += b;
        _state[2] += c;
        _state[3] += d;
        _state[4] += e;
        _state[5] += f;
        _state[6] += g;
        _state[7] += h;
    }
}
