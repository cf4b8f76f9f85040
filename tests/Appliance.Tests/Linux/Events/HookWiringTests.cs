using System.Text.Json;
using Appliance.Tests.Linux.Health;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Events;

/// <summary>The hooks as the commands fire them: upgrade stage, and boot validate through a whole trial cycle.</summary>
public sealed class HookWiringTests : IDisposable
{
    private static readonly string[] Events = ["trial-staged", "committed", "rolled-back", "check-failing", "rescue-entered", "watchdog-reset"];

    private readonly TrialTree _tree = new();

    public HookWiringTests()
    {
        foreach (string e in Events)
        {
            CheckTree.Script(_tree.Dir, $"etc/appliance/hooks.d/{e}/record", $"printf '%s\\n' \"$1\" >> {_tree.Dir.File("events.log")}");
        }
    }

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void StageThenHealthyTrial_TrialStagedThenCommitted()
    {
        Ok("upgrade", "stage", "trial", "--tries", "2");
        _tree.GrubBoots();
        Ok("boot", "validate", "--no-reboot");
        Ok("boot", "validate", "--no-reboot");

        var events = Fired();
        Assert.Equal(["trial-staged", "committed"], events.Select(e => e.GetProperty("event").GetString()!).ToArray());
        Assert.Equal("trial", events[0].GetProperty("trial").GetString());
        Assert.Equal("good", events[0].GetProperty("known_good").GetString());
        Assert.Equal(2, events[0].GetProperty("tries_left").GetInt32());
        Assert.Equal("committed", events[1].GetProperty("result").GetString());
        Assert.Equal("trial", events[1].GetProperty("entry").GetString());
    }

    [Fact]
    public void SickTrial_CheckFailingOnTheTrialThenRolledBackOnceFromKnownGood()
    {
        _tree.RunSickTrial();

        var events = Fired();
        Assert.Equal(["trial-staged", "check-failing", "rolled-back"], events.Select(e => e.GetProperty("event").GetString()!).ToArray());
        Assert.Equal("50-app", events[1].GetProperty("failing_checks")[0].GetString());
        Assert.Equal("trial", events[2].GetProperty("trial").GetString());
        Assert.Equal("good", events[2].GetProperty("entry").GetString());
    }

    [Fact]
    public void TrialHangsEveryTry_RolledBackFiredFromKnownGood()
    {
        Ok("upgrade", "stage", "trial", "--tries", "1");
        _tree.GrubBoots();
        _tree.GrubBoots();
        Ok("boot", "validate", "--no-reboot");

        Assert.Equal(["trial-staged", "rolled-back"], Fired().Select(e => e.GetProperty("event").GetString()!).ToArray());
    }

    private List<JsonElement> Fired()
    {
        string log = _tree.Dir.File("events.log");
        return File.Exists(log) ? File.ReadAllLines(log).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList() : [];
    }

    private CliResult Ok(params string[] args)
    {
        var result = _tree.Run(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
