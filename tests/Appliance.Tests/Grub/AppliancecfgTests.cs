using Appliance.Core.Grubenv;
using Appliance.Tests.Support;

namespace Appliance.Tests.Grub;

/// <summary>
/// grub/appliance.cfg itself, run by <see cref="GrubTrialScript"/>: every branch, including the
/// two the earlier hand-written models lacked (a one-shot next_entry boot, a save_env that fails).
/// </summary>
public sealed class AppliancecfgTests
{
    private const string Good = "gnulinux-advanced-u>gnulinux-6.1.0-53-amd64-advanced-u";
    private const string Trial = "gnulinux-advanced-u>gnulinux-6.1.0-57-amd64-advanced-u";

    private static GrubEnvBlock Env(params (string Name, string Value)[] vars)
    {
        var block = GrubEnvBlock.Create();
        foreach (var (name, value) in vars)
        {
            block.Set(name, value);
        }

        return block;
    }

    private static GrubEnvBlock Staged(string tries) =>
        Env(("saved_entry", Good), ("appliance_good", Good), ("appliance_trial", Trial), ("appliance_tries", tries));

    [Fact]
    public void TrialWithTriesLeft_SpendsOneSavesOnceAndBootsIt()
    {
        var env = Staged("3");

        var run = GrubTrialScript.Boot(env);

        Assert.Equal(Trial, run.Default);
        Assert.Equal("0", run.Fallback);
        Assert.True(run.Saved);
        Assert.Equal("2", env.Get("appliance_tries"));
        Assert.Equal("trial", env.Get("appliance_boot"));
    }

    [Fact]
    public void TriesRunOut_RollsBackRecordingTheFailedTrial()
    {
        var env = Staged("0");

        var run = GrubTrialScript.Boot(env);

        Assert.Equal(Good, run.Default);
        Assert.Null(run.Fallback);
        Assert.Equal("rollback", env.Get("appliance_boot"));
        Assert.Equal(Trial, env.Get("appliance_failed"));
        Assert.Equal("", env.Get("appliance_trial") ?? "");
    }

    [Fact]
    public void SaveEnvFails_NeverBootsAnUncountedTrial()
    {
        var env = Staged("3");

        var run = GrubTrialScript.Boot(env, saveEnvWorks: false);

        Assert.Equal(Good, run.Default);
        Assert.False(run.Saved);
        Assert.Equal("3", env.Get("appliance_tries"));
        Assert.Contains("cannot record the try", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void OneShotNextEntry_WinsForOneBootWithoutSpendingATry()
    {
        var env = Staged("3");

        var run = GrubTrialScript.Boot(env, nextEntry: "rescue");

        Assert.Equal("rescue", run.Default);
        Assert.False(run.Saved);
        Assert.Equal("3", env.Get("appliance_tries"));
    }

    [Fact]
    public void TrialFailsToLoad_FallbackEntryBootsKnownGoodAndTheTryStaysSpent()
    {
        var env = Staged("3");

        string booted = GrubTrialScript.BootEntry(env, loads: entry => entry != Trial);

        Assert.Equal(Good, booted);
        Assert.Equal("2", env.Get("appliance_tries"));
    }

    [Fact]
    public void NoTrial_KnownGoodOverridesSavedEntry()
    {
        var run = GrubTrialScript.Boot(Env(("saved_entry", "gnulinux-simple-u"), ("appliance_good", Good)));

        Assert.Equal(Good, run.Default);
        Assert.False(run.Saved);
    }

    [Fact]
    public void NothingOfOurs_GrubKeepsItsOwnDefault()
    {
        var run = GrubTrialScript.Boot(Env(("saved_entry", "gnulinux-simple-u")));

        Assert.Equal("gnulinux-simple-u", run.Default);
        Assert.False(run.Saved);
    }

    [Fact]
    public void OneShotNextEntryWithoutTrial_KnownGoodDoesNotOverrideIt()
    {
        var run = GrubTrialScript.Boot(Env(("appliance_good", Good)), nextEntry: "rescue");

        Assert.Equal("rescue", run.Default);
    }
}
