using System.Text.Json;
using Appliance.Core.Json;
using Appliance.Core.Watchdog;
using Appliance.Tests.Support;

namespace Appliance.Tests.Core.Metrics;

/// <summary><c>appliance metrics</c> end to end: a real trial cycle in a fake root, then the textfile node_exporter reads.</summary>
public sealed class MetricsCommandTests : IDisposable
{
    private readonly TrialTree _tree = new();
    private readonly TempDir _textfiles = new();

    public void Dispose()
    {
        _tree.Dispose();
        _textfiles.Dispose();
    }

    [Fact]
    public void Metrics_AfterRejectedTrialAndStagedNext_TextfileWrittenAtomicallyCountsRollbackAndTrial()
    {
        _tree.RunSickTrial();
        Ok("upgrade", "stage", "trial");
        _tree.Write("var/lib/appliance/watchdog/reset-cause.json", JsonSerializer.Serialize(
            new ResetCauseRecord { BootId = "b", RecordedAt = DateTimeOffset.UnixEpoch, Cause = "watchdog reset", Devices = [] },
            ApplianceJsonContext.Default.ResetCauseRecord));
        _tree.Write("run/appliance/watchdog/state.json", JsonSerializer.Serialize(
            new WatchdogDaemonState { Pid = 1, BootId = "b", UpdatedAt = DateTimeOffset.UnixEpoch, Gate = "petting", Pets = 77 },
            ApplianceJsonContext.Default.WatchdogDaemonState));

        Ok("metrics", "--textfile", _textfiles.Path);

        Assert.Equal(["appliance.prom"], Directory.GetFiles(_textfiles.Path).Select(f => Path.GetFileName(f)!).ToArray());
        var families = StrictPrometheusParser.Parse(File.ReadAllText(_textfiles.File("appliance.prom")));
        Assert.Equal(2, Value(families, "appliance_boot_attempts_total"));
        Assert.Equal(1, families.Single(f => f.Name == "appliance_rollbacks_total").Samples.Single(s => s.Label("reason") == "checks-failed").Value);
        Assert.Equal(1, families.Single(f => f.Name == "appliance_check_failures_total").Samples.Single(s => s.Label("check") == "50-app").Value);
        Assert.Equal(1, Value(families, "appliance_trial_active"));
        Assert.Equal("watchdog reset", Assert.Single(families.Single(f => f.Name == "appliance_last_reset_cause").Samples).Label("cause"));
        Assert.Equal(77, Value(families, "appliance_watchdog_pets_total"));
        Assert.Equal(File.ReadAllText(_textfiles.File("appliance.prom")), Ok("metrics").Stdout);
    }

    [Fact]
    public void Metrics_FreshMachineNoGrubenvNoJournal_ZeroesNotAnError()
    {
        File.Delete(_tree.GrubEnvPath);

        var families = StrictPrometheusParser.Parse(Ok("metrics").Stdout);

        Assert.Equal(0, Value(families, "appliance_trial_active"));
        Assert.Equal(0, Value(families, "appliance_boot_attempts_total"));
    }

    [Fact]
    public void Metrics_TextfileDirectoryMissing_Exit66NamingIt()
    {
        string missing = _textfiles.File("nope");

        var result = _tree.Run("metrics", "--textfile", missing);

        Assert.Equal(66, result.ExitCode);
        Assert.Contains(missing, result.Stderr);
    }

    [Fact]
    public void Metrics_CorruptDaemonState_Exit65NamingTheFile()
    {
        _tree.Write("run/appliance/watchdog/state.json", "{not json");

        var result = _tree.Run("metrics", "--textfile", _textfiles.Path);

        Assert.Equal(65, result.ExitCode);
        Assert.Contains("state.json", result.Stderr);
        Assert.Empty(Directory.GetFiles(_textfiles.Path));
    }

    [Fact]
    public void Metrics_CorruptBootTotals_Exit65NamingTheFileAndWhatToDo()
    {
        _tree.RunSickTrial();
        _tree.Write("var/lib/appliance/boot-totals.json", "{\"boot_attempts\":");

        var result = _tree.Run("metrics", "--textfile", _textfiles.Path);

        Assert.Equal(65, result.ExitCode);
        Assert.Contains("boot-totals.json", result.Stderr);
        Assert.Contains("remove it to restart the boot counters", result.Stderr);
        Assert.Empty(Directory.GetFiles(_textfiles.Path));
    }

    [Fact]
    public void Metrics_GrubenvOnBtrfs_EscapeHatchProblemIs1ForGrubenvOnly0ForTheRest()
    {
        _tree.Mounts("22 1 0:25 / / rw,relatime - btrfs /dev/vda1 rw");

        var families = StrictPrometheusParser.Parse(Ok("metrics").Stdout);

        var samples = families.Single(f => f.Name == "appliance_escape_hatch_problem").Samples;
        Assert.Equal(Appliance.Core.Health.EscapeHatch.Ids, samples.Select(s => s.Label("finding")!).ToArray());
        Assert.Equal(1, samples.Single(s => s.Label("finding") == "grubenv").Value);
        Assert.All(samples.Where(s => s.Label("finding") != "grubenv"), s => Assert.Equal(0, s.Value));
    }

    private static double Value(IReadOnlyList<ParsedFamily> families, string name) =>
        Assert.Single(families.Single(f => f.Name == name).Samples).Value;

    private CliResult Ok(params string[] args)
    {
        var result = _tree.Run(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
