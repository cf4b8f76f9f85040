using System.Buffers.Binary;
using Appliance.Core.Watchdog;
using Appliance.Linux.Gpio;

namespace Appliance.Tests.Linux.Gpio;

/// <summary>Byte-level checks of the GPIO v2 structs against include/uapi/linux/gpio.h (offsets confirmed with offsetof on the installed header).</summary>
public sealed class GpioV2AbiTests
{
    [Fact]
    public void IoctlNumbers_MatchKernelHeader()
    {
        Assert.Equal((nuint)0xC250B407, GpioV2Abi.GetLineIoctl);
        Assert.Equal((nuint)0xC010B40F, GpioV2Abi.LineSetValuesIoctl);
        Assert.Equal((nuint)0xC010B40E, GpioV2Abi.LineGetValuesIoctl);
    }

    [Fact]
    public void Layout_SizesAndOffsets_MatchKernelHeader()
    {
        Assert.Equal(592, GpioV2Abi.RequestSize);
        Assert.Equal(272, GpioV2Abi.ConfigSize);
        Assert.Equal(24, GpioV2Abi.ConfigAttributeSize);
        Assert.Equal((0, 256, 288, 560, 564, 568, 588), (GpioV2Abi.OffsetsAt, GpioV2Abi.ConsumerAt, GpioV2Abi.ConfigAt, GpioV2Abi.NumLinesAt, GpioV2Abi.EventBufferSizeAt, GpioV2Abi.PaddingAt, GpioV2Abi.FdAt));
        Assert.Equal(GpioV2Abi.ConfigAt + GpioV2Abi.ConfigSize, GpioV2Abi.NumLinesAt);
        Assert.Equal(GpioV2Abi.ConfigAttrsAt + (GpioV2Abi.AttrsMax * GpioV2Abi.ConfigAttributeSize), GpioV2Abi.ConfigSize);
        Assert.Equal((0x4UL, 0x8UL), (GpioV2Abi.FlagInput, GpioV2Abi.FlagOutput));
    }

    [Fact]
    public void LineRequest_OneOutputLine_HasExactBytes()
    {
        byte[] r = GpioV2Abi.LineRequest(17, "appliance-watchdog", initial: true, activeLow: false);

        Assert.Equal(592, r.Length);
        Assert.Equal(17u, BinaryPrimitives.ReadUInt32LittleEndian(r.AsSpan(0)));
        Assert.All(r[4..256], b => Assert.Equal(0, b));
        Assert.Equal("appliance-watchdog"u8.ToArray(), r[256..274]);
        Assert.All(r[274..288], b => Assert.Equal(0, b));
        Assert.Equal(GpioV2Abi.FlagOutput, BinaryPrimitives.ReadUInt64LittleEndian(r.AsSpan(288)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(r.AsSpan(296)));
        Assert.All(r[300..320], b => Assert.Equal(0, b));
        Assert.Equal(GpioV2Abi.AttrIdOutputValues, BinaryPrimitives.ReadUInt32LittleEndian(r.AsSpan(320)));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(r.AsSpan(324)));
        Assert.Equal(1UL, BinaryPrimitives.ReadUInt64LittleEndian(r.AsSpan(328)));
        Assert.Equal(1UL, BinaryPrimitives.ReadUInt64LittleEndian(r.AsSpan(336)));
        Assert.All(r[344..560], b => Assert.Equal(0, b));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(r.AsSpan(560)));
        Assert.All(r[564..592], b => Assert.Equal(0, b));
    }

    [Fact]
    public void LineRequest_ActiveLowInitiallyLow_SetsFlagAndZeroValue()
    {
        byte[] r = GpioV2Abi.LineRequest(3, "x", initial: false, activeLow: true);

        Assert.Equal(GpioV2Abi.FlagOutput | GpioV2Abi.FlagActiveLow, BinaryPrimitives.ReadUInt64LittleEndian(r.AsSpan(288)));
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(r.AsSpan(328)));
    }

    [Fact]
    public void LineRequest_LongConsumer_IsTruncatedAndNulTerminated()
    {
        byte[] r = GpioV2Abi.LineRequest(0, new string('c', 40), true, false);

        Assert.Equal(0, r[256 + 31]);
        Assert.Equal((byte)'c', r[256 + 30]);
    }

    [Theory]
    [InlineData(true, 1UL)]
    [InlineData(false, 0UL)]
    public void Values_LineZero_BitsAndMask(bool value, ulong bits)
    {
        byte[] v = GpioV2Abi.Values(value);

        Assert.Equal(16, v.Length);
        Assert.Equal(bits, BinaryPrimitives.ReadUInt64LittleEndian(v));
        Assert.Equal(1UL, BinaryPrimitives.ReadUInt64LittleEndian(v.AsSpan(8)));
    }
}

public sealed class GpioWatchdogTests
{
    private sealed class FakeLine : IGpioOutput
    {
        public List<(bool Value, long At)> Writes { get; } = [];

        public bool Value { get; private set; }

        public void Set(bool value)
        {
            Value = value;
            Writes.Add((value, System.Diagnostics.Stopwatch.GetTimestamp()));
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public void Pet_ToggleMode_FlipsTheLineEachTime()
    {
        var line = new FakeLine();
        var wd = new GpioWatchdog(line, new GpioWatchdogSettings { Chip = "/dev/gpiochip0", Line = 17 });

        wd.Pet();
        wd.Pet();
        wd.Pet();

        Assert.Equal([true, false, true], line.Writes.Select(w => w.Value));
    }

    [Fact]
    public void Pet_PulseMode_HighForThePulseThenLow()
    {
        var line = new FakeLine();
        var wd = new GpioWatchdog(line, new GpioWatchdogSettings { Chip = "c", Line = 1, Mode = GpioPetMode.Pulse, Pulse = TimeSpan.FromMilliseconds(20) });

        wd.Pet();

        Assert.Equal([true, false], line.Writes.Select(w => w.Value));
        Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(line.Writes[0].At, line.Writes[1].At) >= TimeSpan.FromMilliseconds(19));
    }

    [Fact]
    public void Deadline_IsTheChipTimeout()
    {
        var wd = new GpioWatchdog(new FakeLine(), new GpioWatchdogSettings { Chip = "c", Line = 1, Timeout = TimeSpan.FromMilliseconds(1600) });

        Assert.Equal(TimeSpan.FromMilliseconds(1600), wd.Deadline);
    }

    [Fact]
    public void RequestOutput_MissingChip_SaysWhatToCheck()
    {
        var e = Assert.Throws<Appliance.Linux.Files.FileProblemException>(() => GpioLine.RequestOutput("/nonexistent/gpiochip9", 1, "t", false, false));

        Assert.Contains("GpioChip=", e.Message);
    }
}
