using Appliance.Core.Firmware;
using Appliance.Linux.Kernel;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Kernel;

public sealed class EfiBootVariablesReaderTests : IDisposable
{
    private readonly TempDir _root = new();

    public void Dispose() => _root.Dispose();

    private void WriteVariable(string name, params byte[] data)
    {
        string path = _root.File(Path.Combine(EfiBootVariablesReader.EfivarsDirectory, EfiBootVariables.FileName(name)));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0x07, 0x00, 0x00, 0x00, .. data]);
    }

    [Fact]
    public void Read_NoEfivarsDirectory_IsNull()
    {
        Assert.Null(EfiBootVariablesReader.Read(_root.Path));
    }

    [Fact]
    public void Read_VariablesUnderRoot_ReadsThemThere()
    {
        WriteVariable(EfiBootVariables.BootCurrent, 0x01, 0x00);
        WriteVariable(EfiBootVariables.BootOrder, 0x01, 0x00, 0x00, 0x00);

        var report = EfiBootVariablesReader.Read(_root.Path);

        Assert.NotNull(report);
        Assert.Equal("0001", report.BootCurrent);
        Assert.Null(report.BootNext);
        Assert.Equal(["0001", "0000"], report.BootOrder);
        Assert.Empty(report.Problems);
    }

    [Fact]
    public void Read_EmptyMountPoint_SaysEfivarfsIsNotMounted()
    {
        _root.Subdirectory(EfiBootVariablesReader.EfivarsDirectory);

        var report = EfiBootVariablesReader.Read(_root.Path);

        Assert.NotNull(report);
        Assert.Contains(report.Problems, p => p.Contains("efivarfs is not mounted", StringComparison.Ordinal));
    }

    [Fact]
    public void Status_OnAUefiTree_ShowsBootNextAndOrder()
    {
        using var tree = new TrialTree();
        string dir = tree.Dir.Subdirectory(EfiBootVariablesReader.EfivarsDirectory);
        File.WriteAllBytes(Path.Combine(dir, EfiBootVariables.FileName(EfiBootVariables.BootNext)), [0x07, 0, 0, 0, 0x04, 0x00]);
        File.WriteAllBytes(Path.Combine(dir, EfiBootVariables.FileName(EfiBootVariables.BootOrder)), [0x07, 0, 0, 0, 0x01, 0x00, 0x04, 0x00]);

        var text = tree.Run("status");
        var json = tree.Run("status", "--json");

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("firmware:    BootCurrent (unset), BootNext 0004, BootOrder 0001,0004", text.Stdout);
        Assert.Contains("\"firmware\":{\"boot_current\":null,\"boot_next\":\"0004\",\"boot_order\":[\"0001\",\"0004\"],\"problems\":[]}", json.Stdout);
    }

    [Fact]
    public void Status_OnABiosTree_SaysNothingOfFirmware()
    {
        using var tree = new TrialTree();

        Assert.DoesNotContain("firmware:", tree.Run("status").Stdout);
        Assert.Contains("\"firmware\":null", tree.Run("status", "--json").Stdout);
    }

    [Fact]
    public void Status_TruncatedBootOrder_WarnsAndStillReports()
    {
        using var tree = new TrialTree();
        string dir = tree.Dir.Subdirectory(EfiBootVariablesReader.EfivarsDirectory);
        File.WriteAllBytes(Path.Combine(dir, EfiBootVariables.FileName(EfiBootVariables.BootOrder)), [0x07, 0]);

        var result = tree.Run("status");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("BootOrder (empty)", result.Stdout);
        Assert.Contains("appliance: warning: BootOrder is truncated: 2 bytes", result.Stderr);
    }
}
