using System.Buffers.Binary;
using Appliance.Core.Kexec;
using Appliance.Tests.Support;

namespace Appliance.Tests.Core.Kexec;

public sealed class CrashFootprintTests
{
    [Fact]
    public void InitSize_BzImageProtocol2_15_ReadsOffset0x260()
    {
        byte[] image = FakeEfiKernel.Image(signed: false, initSize: 0x2A5B000);

        Assert.Equal(0x2A5B000u, CrashFootprint.InitSize(image));
    }

    [Fact]
    public void InitSize_ProtocolBefore2_10_Null()
    {
        byte[] image = FakeEfiKernel.Image(signed: false, initSize: 0x2A5B000);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x206), 0x0209);

        Assert.Null(CrashFootprint.InitSize(image));
    }

    [Fact]
    public void InitSize_NoSetupHeader_Null()
    {
        Assert.Null(CrashFootprint.InitSize(new byte[0x1000]));
    }

    [Fact]
    public void Needed_WithInitSize_InitSizeAndInitrdPageAlignedPlusHeadroom()
    {
        var input = new KernelFootprintInput(KernelBytes: 12 << 20, InitSize: (40 << 20) + 1, InitrdBytes: 20 << 20);

        Assert.Equal((40L << 20) + 4096 + (20L << 20) + CrashKernel.HeadroomBytes, CrashFootprint.Needed(input));
        Assert.Contains("init_size", CrashFootprint.Explain(input));
    }

    [Fact]
    public void Needed_WithoutInitSize_FileTimesTheDecompressionFactor()
    {
        var input = new KernelFootprintInput(KernelBytes: 10 << 20, InitSize: null, InitrdBytes: 0);

        Assert.Equal((40L << 20) + CrashKernel.HeadroomBytes, CrashFootprint.Needed(input));
        Assert.Contains("x 4", CrashFootprint.Explain(input));
    }
}
