using Appliance.Core.Boot;
using Appliance.Linux.Boot;
using Appliance.Linux.Files;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Boot;

/// <summary>
/// The stability window on a fake tree, with real check processes and the real clock (a 2 s
/// window, rounds every second): a trial is committed only after its checks kept passing for the
/// window, and one whose check fails inside it is rejected.
/// </summary>
public sealed class TrialServiceStabilityTests : IDisposable
{
    private readonly TrialTree _tree = new();

    public TrialServiceStabilityTests()
    {
        _tree.Write("etc/appliance/appliance.conf", "[Boot]\nStabilitySec=2\n");
        _tree.Write("proc/sys/kernel/random/boot_id", "boot-1\n");
    }

    public void Dispose() => _tree.Dispose();

    private TrialService Service() => new(_tree.Root, LinuxFileSteps.Instance, TimeProvider.System, TextWriter.Null);

    private string StabilityFile => _tree.Dir.File("run/appliance/stability.json");

    [Fact]
    public void Validate_HealthyTrialWithWindow_CommitsOnlyAfterTheWindow()
    {
        _tree.RequiredCheck("50-app", 0, "fine");
        Assert.Equal(0, _tree.Run("upgrade", "stage", "trial").ExitCode);
        _tree.GrubBoots();
        var started = TimeProvider.System.GetTimestamp();

        var result = Service().Validate(TimeSpan.FromSeconds(30));

        Assert.Equal(ValidationOutcome.Committed, result.Outcome);
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= TimeSpan.FromSeconds(2), "the commit came before the window ended");
        Assert.Equal("trial", _tree.State.Good);
        Assert.Contains("(stable: the required checks passed for the whole 2 s stability window", result.Message, StringComparison.Ordinal);
        Assert.Contains("stability window", Assert.Single(Service().Journal.All()).Message, StringComparison.Ordinal);
        Assert.False(File.Exists(StabilityFile), "the window's runtime record should be gone once it is decided");
    }

    [Fact]
    public void Validate_CheckFailsInsideWindow_RejectedNotCommitted()
    {
        // Passes the first time (the validation), fails on every round after it.
        string ran = _tree.Dir.File("ran-once");
        Linux.Health.CheckTree.Script(_tree.Dir, "etc/appliance/checks.d/required.d/50-app",
            $"if [ -e {ran} ]; then echo 'app stopped answering'; exit 1; fi\n: > {ran}\necho fine\nexit 0");
        Assert.Equal(0, _tree.Run("upgrade", "stage", "trial").ExitCode);
        _tree.GrubBoots();

        var result = Service().Validate(TimeSpan.FromSeconds(30));

        Assert.Equal(ValidationOutcome.Rejected, result.Outcome);
        Assert.True(result.Reboot);
        Assert.Equal("trial", _tree.State.Failed);
        Assert.Equal("good", _tree.State.Good);
        Assert.Contains("s into the 2 s stability window", result.Message, StringComparison.Ordinal);
        Assert.Contains(result.FailingChecks, f => f.Output.Contains("app stopped answering", StringComparison.Ordinal));
        Assert.False(File.Exists(StabilityFile));
    }

    [Fact]
    public void Validate_WindowOnNormalBoot_NoWindowHeld()
    {
        _tree.RequiredCheck("50-app", 0, "fine");
        var started = TimeProvider.System.GetTimestamp();

        var result = Service().Validate(TimeSpan.FromSeconds(30));

        Assert.Equal(ValidationOutcome.Good, result.Outcome);
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(2), "a boot that is not a trial has no window to wait for");
    }

    [Fact]
    public void Status_WindowOpenForThisBoot_ShownInJsonAndText()
    {
        _tree.Write("run/appliance/stability.json",
            """{"trial":"trial","boot_id":"boot-1","window_sec":300,"started":"2026-12-06T04:00:00+00:00","elapsed_sec":120.5,"rounds_passed":5,"last_check":"2026-12-06T04:02:00+00:00"}""");

        var json = _tree.Run("status", "--json");
        var text = _tree.Run("status");

        Assert.Equal(0, json.ExitCode);
        Assert.Contains("\"stability\":{\"trial\":\"trial\",\"boot_id\":\"boot-1\",\"window_sec\":300", json.Stdout, StringComparison.Ordinal);
        Assert.Contains("stability window for 'trial': 120 of 300 s passed, 5 check round(s) healthy", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_WindowOfAnotherBoot_NotShown()
    {
        _tree.Write("run/appliance/stability.json",
            """{"trial":"trial","boot_id":"boot-0","window_sec":300,"started":"2026-12-06T04:00:00+00:00","elapsed_sec":120.5,"rounds_passed":5,"last_check":"2026-12-06T04:02:00+00:00"}""");

        Assert.Contains("\"stability\":null", _tree.Run("status", "--json").Stdout, StringComparison.Ordinal);
    }
}
