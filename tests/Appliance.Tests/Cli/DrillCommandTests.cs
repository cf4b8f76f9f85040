using Appliance.Tests.Support;

namespace Appliance.Tests.Cli;

/// <summary>
/// <c>appliance drill panic</c> on fake trees: every refusal changes nothing, and the validators
/// on the way back complete the drill's record, which status shows. (The panic itself and the
/// measured way back: the drill-panic QEMU scenario.)
/// </summary>
public sealed class DrillCommandTests : IDisposable
{
    private readonly TrialTree _tree = new();

    public DrillCommandTests()
    {
        _tree.RequiredCheck("50-app", 0, "fine");
        Assert.Equal(0, _tree.Run("upgrade", "pin", "good").ExitCode);
    }

    public void Dispose() => _tree.Dispose();

    private string DrillFile => _tree.Dir.File("var/lib/appliance/drill.json");

    [Fact]
    public void DrillPanic_WithoutYes_Exit64AndNothingChanged()
    {
        byte[] env = _tree.GrubEnvBytes;

        var r = _tree.Run("drill", "panic");

        Assert.Equal(64, r.ExitCode);
        Assert.Contains("add --yes", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(env, _tree.GrubEnvBytes);
        Assert.False(File.Exists(DrillFile));
    }

    [Fact]
    public void DrillPanic_TrialStaged_Exit75AndNothingChanged()
    {
        Assert.Equal(0, _tree.Run("upgrade", "stage", "trial").ExitCode);
        byte[] env = _tree.GrubEnvBytes;

        var r = _tree.Run("drill", "panic", "--yes");

        Assert.Equal(75, r.ExitCode);
        Assert.Contains("a trial is under way ('trial')", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(env, _tree.GrubEnvBytes);
        Assert.False(File.Exists(DrillFile));
    }

    [Fact]
    public void DrillPanic_UnderRoot_Exit64NamingTheRootAndNothingChanged()
    {
        var r = _tree.Run("drill", "panic", "--yes");

        Assert.Equal(64, r.ExitCode);
        Assert.Contains("is not the running system, and the drill panics the running kernel", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(DrillFile));
    }

    [Fact]
    public void Validate_RescueThenHealthyBootAfterDrill_RecordsBothTimesAndStatusShowsPassed()
    {
        _tree.Write("var/lib/appliance/drill.json", """{"panicked":"2026-11-01T11:59:00+00:00","boot_id":"b1","entry":"good"}""");

        _tree.Running("good");
        _tree.Write("proc/cmdline", File.ReadAllText(_tree.Dir.File("proc/cmdline")).Trim() + " appliance.rescue=1\n");
        var rescue = _tree.Run("boot", "validate", "--no-reboot");
        _tree.Running("good");
        var healthy = _tree.Run("boot", "validate");
        var status = _tree.Run("status");

        Assert.Contains("rescue kernel up after 60.0 s", rescue.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, healthy.ExitCode);
        Assert.Contains("last drill:  panic drill of 'good' at 2026-11-01 11:59:00Z: rescue kernel up after 60.0 s, healthy on 'good' after 60.0 s; passed", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"result\":\"passed\"", File.ReadAllText(DrillFile), StringComparison.Ordinal);
    }
}
