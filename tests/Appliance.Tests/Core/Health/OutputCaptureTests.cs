using System.Text;
using Appliance.Core.Health;
using Appliance.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Appliance.Tests.Core.Health;

public sealed class OutputCaptureTests
{
    [Fact]
    public void ToString_WithinLimit_EverythingVerbatim()
    {
        var capture = new OutputCapture(16);
        capture.Append("hello "u8);
        capture.Append("world"u8);

        Assert.Equal("hello world", capture.ToString());
        Assert.False(capture.Truncated);
        Assert.Equal(11, capture.TotalBytes);
    }

    [Fact]
    public void ToString_OverLimit_KeepsHeadAndTailWithMarker()
    {
        var capture = new OutputCapture(8);
        capture.Append("AAAA"u8);
        capture.Append("xxxxxxxxxxxx"u8);
        capture.Append("ZZZZ"u8);

        Assert.True(capture.Truncated);
        Assert.Equal("AAAA\n[appliance: output truncated, 12 of 20 bytes dropped]\nZZZZ", capture.ToString());
    }

    [Fact]
    public void Append_ManyMegabytes_StaysWithinLimit()
    {
        var capture = new OutputCapture(1024);
        byte[] chunk = new byte[65536];
        chunk.AsSpan().Fill((byte)'y');
        for (int i = 0; i < 200; i++)
        {
            capture.Append(chunk);
        }

        Assert.Equal(200L * 65536, capture.TotalBytes);
        Assert.True(capture.ToString().Length < 1200);
    }

    [Fact]
    public void Append_AnyChunking_KeepsExactlyFirstAndLastHalves()
    {
        Gen<(byte[] Data, int Limit, int[] Cuts)> cases =
            from data in Gen.ArrayOf(Gen.Elements((byte)'a', (byte)'b', (byte)'\n', (byte)'7'))
            from limit in Gen.Choose(2, 40)
            from cuts in Gen.ArrayOf(Gen.Choose(0, 60))
            select (data, limit, cuts);
        Check.One(Properties.Runs(1000), Prop.ForAll(Arb.From(cases), c =>
        {
            var capture = new OutputCapture(c.Limit);
            int at = 0;
            foreach (int cut in c.Cuts.Append(c.Data.Length))
            {
                int n = Math.Min(cut, c.Data.Length - at);
                capture.Append(c.Data.AsSpan(at, n));
                at += n;
            }

            capture.Append(c.Data.AsSpan(at));
            string all = Encoding.UTF8.GetString(c.Data);
            int head = c.Limit / 2, tail = c.Limit - head;
            string expected = c.Data.Length <= c.Limit
                ? all
                : $"{all[..head]}\n[appliance: output truncated, {c.Data.Length - c.Limit} of {c.Data.Length} bytes dropped]\n{all[^tail..]}";
            return capture.ToString() == expected && capture.TotalBytes == c.Data.Length;
        }));
    }

    [Fact]
    public void Append_GrowingPastFirstBuffer_KeepsExactlyFirstAndLastHalves()
    {
        // Limits above the first head buffer (256 bytes), so the head grows while it fills.
        var random = new Random(20261204);
        for (int run = 0; run < 300; run++)
        {
            int limit = random.Next(300, 5000);
            byte[] data = new byte[random.Next(0, 12000)];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (byte)('a' + random.Next(26));
            }

            var capture = new OutputCapture(limit);
            for (int at = 0; at < data.Length;)
            {
                int n = Math.Min(random.Next(1, 700), data.Length - at);
                capture.Append(data.AsSpan(at, n));
                at += n;
            }

            string all = Encoding.ASCII.GetString(data);
            int head = limit / 2, tail = limit - head;
            string expected = data.Length <= limit
                ? all
                : $"{all[..head]}\n[appliance: output truncated, {data.Length - limit} of {data.Length} bytes dropped]\n{all[^tail..]}";
            Assert.Equal(expected, capture.ToString());
        }
    }
}
