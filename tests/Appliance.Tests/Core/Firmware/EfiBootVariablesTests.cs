using Appliance.Core.Firmware;

namespace Appliance.Tests.Core.Firmware;

public sealed class EfiBootVariablesTests
{
    /// <summary>EFI_VARIABLE_NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS, as efivarfs returns it first (u32, little-endian).</summary>
    private static readonly byte[] Attributes = [0x07, 0x00, 0x00, 0x00];

    private static byte[] File(params byte[] data) => [.. Attributes, .. data];

    [Fact]
    public void FileName_IsNameDashGlobalGuid()
    {
        Assert.Equal("BootNext-8be4df61-93ca-11d2-aa0d-00e098032b8c", EfiBootVariables.FileName("BootNext"));
    }

    [Fact]
    public void ParseUInt16s_BootOrder_ReadsLittleEndianAfterTheAttributes()
    {
        var parsed = EfiBootVariables.ParseUInt16s("BootOrder", File(0x01, 0x00, 0x03, 0x00, 0x0A, 0x10));

        Assert.Null(parsed.Problem);
        Assert.Equal(new ushort[] { 0x0001, 0x0003, 0x100A }, parsed.Values);
    }

    [Fact]
    public void ParseUInt16s_OnlyAttributes_IsEmpty()
    {
        var parsed = EfiBootVariables.ParseUInt16s("BootOrder", Attributes);

        Assert.Null(parsed.Problem);
        Assert.Empty(parsed.Values);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void ParseUInt16s_ShorterThanTheAttributes_IsTruncated(int length)
    {
        var parsed = EfiBootVariables.ParseUInt16s("BootNext", Attributes.AsSpan(0, length));

        Assert.Empty(parsed.Values);
        Assert.Contains($"BootNext is truncated: {length} bytes", parsed.Problem);
    }

    [Fact]
    public void ParseUInt16s_OddDataLength_IsAProblemNotAGuess()
    {
        var parsed = EfiBootVariables.ParseUInt16s("BootOrder", File(0x01, 0x00, 0x03));

        Assert.Empty(parsed.Values);
        Assert.Contains("3 bytes of data", parsed.Problem);
    }

    [Fact]
    public void Report_AllThree_FormatsAsEfibootmgrDoes()
    {
        var report = EfiBootVariables.Report(File(0x01, 0x00), File(0xAB, 0x00), File(0x01, 0x00, 0xAB, 0x00, 0x00, 0x00), []);

        Assert.Equal("0001", report.BootCurrent);
        Assert.Equal("00AB", report.BootNext);
        Assert.Equal(["0001", "00AB", "0000"], report.BootOrder);
        Assert.Empty(report.Problems);
    }

    [Fact]
    public void Report_NoBootNext_IsNullNotAProblem()
    {
        var report = EfiBootVariables.Report(File(0x01, 0x00), null, File(0x01, 0x00), []);

        Assert.Null(report.BootNext);
        Assert.Empty(report.Problems);
    }

    [Fact]
    public void Report_TruncatedBootNext_NamesItAndKeepsTheOthers()
    {
        var report = EfiBootVariables.Report(File(0x02, 0x00), [0x07, 0x00], File(0x02, 0x00), []);

        Assert.Null(report.BootNext);
        Assert.Equal("0002", report.BootCurrent);
        Assert.Equal(["0002"], report.BootOrder);
        Assert.Single(report.Problems, p => p.StartsWith("BootNext is truncated: 2 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public void Report_BootNextWithTwoValues_IsAProblem()
    {
        var report = EfiBootVariables.Report(null, File(0x01, 0x00, 0x02, 0x00), null, []);

        Assert.Null(report.BootNext);
        Assert.Contains("BootNext holds 2 values; it is one UINT16", report.Problems);
    }

    [Fact]
    public void Report_AttributesButNoData_BootCurrentIsAProblem()
    {
        var report = EfiBootVariables.Report(Attributes, null, null, []);

        Assert.Null(report.BootCurrent);
        Assert.Contains("BootCurrent holds 0 values; it is one UINT16", report.Problems);
    }

    [Fact]
    public void Report_KeepsTheReadersProblemsFirst()
    {
        var report = EfiBootVariables.Report(null, null, File(0x01), ["BootCurrent: cannot read"]);

        Assert.Equal("BootCurrent: cannot read", report.Problems[0]);
        Assert.Contains("1 bytes of data", report.Problems[1]);
        Assert.Empty(report.BootOrder);
    }
}
