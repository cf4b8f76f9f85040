using System.Text.Json;
using Appliance.Tests.Support;

namespace Appliance.Tests.Cli;

public sealed class CheckCommandTests : IDisposable
{
    private readonly TrialTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Check_RequiredCheckFails_Exit1NamingItWithItsOutput()
    {
        _tree.RequiredCheck("50-app", 3, "app did not answer");
        _tree.RequiredCheck("40-db", 0, "db fine");

        var result = _tree.Run("check");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("UNHEALTHY: 50-app", result.Stdout);
        Assert.Contains("app did not answer", result.Stdout);
        Assert.Contains("40-db", result.Stdout);
    }

    [Fact]
    public void Check_Json_ReportsEveryCheckWithResultNames()
    {
        _tree.RequiredCheck("40-db", 0, "db fine");

        var result = _tree.Run("check", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.True(json.RootElement.GetProperty("healthy").GetBoolean());
        var db = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "40-db");
        Assert.Equal("pass", db.GetProperty("result").GetString());
    }

    [Fact]
    public void Check_GrubCfgWithoutApplianceBlock_Exit1NamingTheEscapeHatchFindingAndWhatToDo()
    {
        _tree.RequiredCheck("40-db", 0, "db fine");
        string cfg = _tree.Dir.File("boot/grub/grub.cfg");
        File.WriteAllText(cfg, File.ReadAllText(cfg).Replace(Appliance.Core.Boot.GrubContract.Marker, "", StringComparison.Ordinal));

        var result = _tree.Run("check");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("UNHEALTHY: escape-hatch:grub-contract", result.Stdout);
        Assert.Contains("run 'update-grub'", result.Stdout);
    }

    [Fact]
    public void Check_Json_EscapeHatchFindingsAreRequiredBuiltinChecks()
    {
        _tree.Mounts("22 1 0:25 / / rw,relatime - btrfs /dev/vda1 rw");

        var result = _tree.Run("check", "--json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.False(json.RootElement.GetProperty("healthy").GetBoolean());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().Where(c => c.GetProperty("name").GetString()!.StartsWith("escape-hatch:", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, checks.Count);
        var grubenv = checks.Single(c => c.GetProperty("name").GetString() == "escape-hatch:grubenv");
        Assert.Equal("fail", grubenv.GetProperty("result").GetString());
        Assert.True(grubenv.GetProperty("required").GetBoolean());
        Assert.Equal("builtin", grubenv.GetProperty("kind").GetString());
        Assert.Contains("btrfs", grubenv.GetProperty("output").GetString());
    }

    [Theory]
    [InlineData("[Watchdog]\nTiemout=5\n", ":2: unknown key 'Tiemout' in [Watchdog] (did you mean 'Timeout'?)")]
    [InlineData("[Boot]\nTries=3\n[Watchdog]\nInterval=forever\n", ":4: invalid value 'forever' for Interval in [Watchdog]")]
    public void Check_WatchdogSectionInvalid_Exit78NamingFileAndLineWithoutRunningChecks(string config, string expected)
    {
        _tree.RequiredCheck("40-db", 0, "db fine");
        string file = _tree.Write("etc/appliance/appliance.conf", config);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = _tree.Run("check");

        Assert.True(result.ExitCode == 78, result.ToString());
        Assert.Contains(file + expected, result.Stderr);
        Assert.DoesNotContain("40-db", result.Stdout);
    }
}
