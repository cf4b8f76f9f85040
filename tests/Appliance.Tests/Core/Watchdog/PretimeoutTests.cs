using Appliance.Core.Watchdog;

namespace Appliance.Tests.Core.Watchdog;

public sealed class PretimeoutTests
{
    [Theory]
    [InlineData(0x8380u, false, PretimeoutSupport.Native)]
    [InlineData(0x8380u, true, PretimeoutSupport.Native)]
    [InlineData(0x8180u, true, PretimeoutSupport.CoreTimer)]
    [InlineData(0x8180u, false, PretimeoutSupport.None)]
    public void Support_OptionsAndSysfsFile_SayHow(uint options, bool sysfsFile, PretimeoutSupport expected)
    {
        Assert.Equal(expected, Pretimeout.Support(options, sysfsFile));
    }

    [Fact]
    public void Support_NoSysfsOptionsBefore62ButFileThere_OfferedHowUnknown()
    {
        Assert.Equal(PretimeoutSupport.Offered, Pretimeout.Support(null, sysfsPretimeoutFile: true));
        Assert.Equal(PretimeoutSupport.None, Pretimeout.Support(null, sysfsPretimeoutFile: false));
    }

    [Fact]
    public void Governor_PretimeoutSetGovernorNot_DefaultsToPanic()
    {
        Assert.Equal("panic", Pretimeout.Governor(new WatchdogSettings { PretimeoutSeconds = 5 }));
        Assert.Equal("noop", Pretimeout.Governor(new WatchdogSettings { PretimeoutSeconds = 5, PretimeoutGovernor = "noop" }));
        Assert.Null(Pretimeout.Governor(new WatchdogSettings()));
        Assert.Null(Pretimeout.Governor(new WatchdogSettings { PretimeoutSeconds = 0 }));
    }

    [Theory]
    [InlineData(60, 55, 5)]
    [InlineData(60, null, 60)]
    [InlineData(60, 0, 60)]
    [InlineData(10, 10, 10)]
    public void FirstEvent_PretimeoutSet_IsTimeoutMinusPretimeout(int timeout, int? pretimeout, int expected)
    {
        Assert.Equal(TimeSpan.FromSeconds(expected), Pretimeout.FirstEvent(timeout, pretimeout));
    }

    [Fact]
    public void PetInterval_PretimeoutWindow_BoundsTheIntervalNotTheTimeout()
    {
        var choice = PetInterval.Choose(TimeSpan.FromSeconds(10), [Pretimeout.FirstEvent(60, 55)]);

        Assert.Equal(TimeSpan.FromMilliseconds(2500), choice.Interval);
        Assert.NotNull(choice.Warning);
    }

    [Fact]
    public void Findings_NoPretimeoutConfigured_Nothing()
    {
        Assert.Empty(Pretimeout.Findings("/dev/watchdog0", new WatchdogSettings(), PretimeoutSupport.None, null));
    }

    [Fact]
    public void Findings_ConfiguredButUnsupported_SaysAHangCostsTheReset()
    {
        var finding = Assert.Single(Pretimeout.Findings("/dev/watchdog0 (x)", new WatchdogSettings { PretimeoutSeconds = 5 }, PretimeoutSupport.None, null));

        Assert.Contains("Pretimeout=5 is configured but the watchdog has none", finding);
        Assert.Contains("hardware reset", finding);
    }

    [Fact]
    public void Findings_PanicGovernorNotRegistered_SaysWhichModuleToLoad()
    {
        var finding = Assert.Single(Pretimeout.Findings("/dev/watchdog0", new WatchdogSettings { PretimeoutSeconds = 5 }, PretimeoutSupport.CoreTimer, "noop\n"));

        Assert.Contains("governor 'panic' is not registered (available: noop)", finding);
        Assert.Contains("modprobe pretimeout_panic", finding);
    }

    [Fact]
    public void Findings_GovernorRegistered_Nothing()
    {
        Assert.Empty(Pretimeout.Findings("/dev/watchdog0", new WatchdogSettings { PretimeoutSeconds = 5 }, PretimeoutSupport.CoreTimer, "noop panic\n"));
    }

    [Fact]
    public void Findings_NoGovernorFramework_SaysTheKernelLacksIt()
    {
        var finding = Assert.Single(Pretimeout.Findings("/dev/watchdog0", new WatchdogSettings { PretimeoutSeconds = 5 }, PretimeoutSupport.Native, null));

        Assert.Contains("CONFIG_WATCHDOG_PRETIMEOUT_GOV", finding);
    }
}
