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
}
