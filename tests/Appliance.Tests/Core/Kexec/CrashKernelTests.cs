using Appliance.Core.Kexec;

namespace Appliance.Tests.Core.Kexec;

public sealed class CrashKernelTests
{
    private const long MiB = 1L << 20;
    private const long GiB = 1L << 30;

    [Fact]
    public void Parse_PlainSize_IsThatSize()
    {
        var request = CrashKernel.Parse("256M");

        Assert.Equal(256 * MiB, request.Size);
        Assert.Equal(256 * MiB, request.SizeFor(512 * MiB));
        Assert.Null(request.Offset);
    }

    [Fact]
    public void Parse_SizeAtOffset_KeepsTheOffset()
    {
        var request = CrashKernel.Parse("128M@16M");

        Assert.Equal(128 * MiB, request.Size);
        Assert.Equal(16 * MiB, request.Offset);
    }

    [Fact]
    public void Parse_HexAndSuffixes_FollowMemparse()
    {
        Assert.Equal(0x10000000L, CrashKernel.Parse("0x10000000").Size);
        Assert.Equal(2 * GiB, CrashKernel.Parse("2g").Size);
        Assert.Equal(512 * 1024L, CrashKernel.Parse("512K").Size);
    }

    [Fact]
    public void Parse_Ranges_PickTheRangeHoldingTheRam()
    {
        var request = CrashKernel.Parse("512M-2G:64M,2G-:256M");

        Assert.Null(request.Size);
        Assert.Equal(2, request.Ranges.Count);
        Assert.Equal(0, request.SizeFor(256 * MiB));
        Assert.Equal(64 * MiB, request.SizeFor(1 * GiB));
        Assert.Equal(256 * MiB, request.SizeFor(2 * GiB));
        Assert.Equal(256 * MiB, request.SizeFor(64 * GiB));
    }

    [Fact]
    public void Parse_RangesWithOffset_KeepTheOffset()
    {
        var request = CrashKernel.Parse("1G-4G:192M@64M");

        Assert.Equal(64 * MiB, request.Offset);
        Assert.Equal(192 * MiB, request.SizeFor(3 * GiB));
    }

    [Fact]
    public void Parse_RangeEnd_IsExclusive()
    {
        var request = CrashKernel.Parse("0-1G:128M");

        Assert.Equal(128 * MiB, request.SizeFor(GiB - 1));
        Assert.Equal(0, request.SizeFor(GiB));
    }

    [Theory]
    [InlineData("256M,high", "high")]
    [InlineData("72M,low", "low")]
    public void Parse_Suffix_IsKept(string value, string suffix)
    {
        Assert.Equal(suffix, CrashKernel.Parse(value).Suffix);
    }

    [Theory]
    [InlineData("")]
    [InlineData("M")]
    [InlineData("256Mx")]
    [InlineData("256M,medium")]
    [InlineData("2G-1G:64M")]
    [InlineData("512M-2G64M")]
    [InlineData("auto")]
    public void Parse_Malformed_Throws(string value)
    {
        Assert.Throws<FormatException>(() => CrashKernel.Parse(value));
    }

    [Fact]
    public void Find_SeveralParameters_TakesTheLastPlainOne()
    {
        var request = CrashKernel.Find("BOOT_IMAGE=/vmlinuz crashkernel=128M quiet crashkernel=512M,high crashkernel=256M ro");

        Assert.Equal("256M", request?.Text);
    }

    [Fact]
    public void Find_OnlyHigh_TakesHigh()
    {
        Assert.Equal("512M,high", CrashKernel.Find("crashkernel=512M,high crashkernel=96M,low")?.Text);
    }

    [Fact]
    public void Find_None_IsNull()
    {
        Assert.Null(CrashKernel.Find("root=/dev/vda1 quiet"));
    }

    [Fact]
    public void Check_NoReservationNoParameter_SaysWhatToAddWhere()
    {
        var verdict = CrashKernel.Check(0, "root=/dev/vda1", GiB, 40 * MiB);

        Assert.False(verdict.Ok);
        Assert.Contains("add crashkernel=256M to GRUB_CMDLINE_LINUX in /etc/default/grub", verdict.Error);
        Assert.Contains("update-grub", verdict.Error);
    }

    [Fact]
    public void Check_RangeMissingThisMachine_SaysNoRangeMatches()
    {
        var verdict = CrashKernel.Check(0, "crashkernel=2G-:256M", 1023 * MiB, 40 * MiB);

        Assert.False(verdict.Ok);
        Assert.Contains("has no range for this machine's 1023M of RAM", verdict.Error);
    }

    [Fact]
    public void Check_ParameterButNothingReserved_PointsAtDmesg()
    {
        var verdict = CrashKernel.Check(0, "crashkernel=256M", GiB, 40 * MiB);

        Assert.False(verdict.Ok);
        Assert.Contains("could not reserve it", verdict.Error);
        Assert.Contains("dmesg", verdict.Error);
    }

    [Fact]
    public void Check_ReservationSmallerThanImagesAndHeadroom_FailsWithALargerSize()
    {
        var verdict = CrashKernel.Check(128 * MiB, "crashkernel=128M", GiB, 60 * MiB);

        Assert.False(verdict.Ok);
        Assert.Contains("too small", verdict.Error);
        Assert.Contains("crashkernel=256M", verdict.Error);
    }

    [Fact]
    public void Check_BigImages_SuggestMoreThanTheDefault()
    {
        var verdict = CrashKernel.Check(256 * MiB, "crashkernel=256M", 8 * GiB, 200 * MiB);

        Assert.False(verdict.Ok);
        Assert.Contains("crashkernel=320M", verdict.Error);
    }

    [Fact]
    public void Check_EnoughButBelowMeasured_PassesWithAWarning()
    {
        var verdict = CrashKernel.Check(192 * MiB, "crashkernel=192M", GiB, 40 * MiB);

        Assert.True(verdict.Ok);
        Assert.Contains("less than the 256M", verdict.Warning);
    }

    [Fact]
    public void Check_MeasuredSize_PassesQuietly()
    {
        var verdict = CrashKernel.Check(256 * MiB, "crashkernel=256M", GiB, 40 * MiB);

        Assert.True(verdict.Ok);
        Assert.Null(verdict.Warning);
    }

    [Theory]
    [InlineData(256L << 20, "256M")]
    [InlineData(1L << 30, "1G")]
    [InlineData(1536L << 10, "1536K")]
    [InlineData(1000, "1000")]
    public void FormatSize_UsesTheLargestExactSuffix(long bytes, string expected)
    {
        Assert.Equal(expected, CrashKernel.FormatSize(bytes));
    }
}
