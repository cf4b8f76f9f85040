using Appliance.Core.Boot;

namespace Appliance.Tests.Core.Boot;

/// <summary>The stability window's rules with time as data: when to check again, when to commit, when the try failed, and how it moves the trial deadline.</summary>
public sealed class StabilityWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 4, 0, 0, TimeSpan.Zero);

    private static StabilityProgress Opened(TimeSpan window) => StabilityWindow.Open("trial", "boot-1", window, T0).Progress;

    [Theory]
    [InlineData(2, 1)]
    [InlineData(60, 6)]
    [InlineData(300, 30)]
    [InlineData(3600, 30)]
    public void Interval_Window_TenthBetweenOneAndThirtySeconds(int windowSec, int intervalSec)
    {
        Assert.Equal(TimeSpan.FromSeconds(intervalSec), StabilityWindow.Interval(TimeSpan.FromSeconds(windowSec)));
    }

    [Fact]
    public void Open_ShortWindow_FirstRoundAtTheWindowsEnd()
    {
        var step = StabilityWindow.Open("trial", "boot-1", TimeSpan.FromMilliseconds(500), T0);

        Assert.Equal(StabilityVerdict.Continue, step.Verdict);
        Assert.Equal(TimeSpan.FromMilliseconds(500), step.Wait);
        Assert.Equal(1, step.Progress.RoundsPassed);
        Assert.Equal(T0, step.Progress.Started);
    }

    [Fact]
    public void Next_HealthyBeforeTheEnd_ContinuesAfterTheInterval()
    {
        var step = StabilityWindow.Next(Opened(TimeSpan.FromSeconds(300)), true, TimeSpan.FromSeconds(30), T0.AddSeconds(30));

        Assert.Equal(StabilityVerdict.Continue, step.Verdict);
        Assert.Equal(TimeSpan.FromSeconds(30), step.Wait);
        Assert.Equal(2, step.Progress.RoundsPassed);
        Assert.Equal(30, step.Progress.ElapsedSec);
    }

    [Fact]
    public void Next_HealthyCloseToTheEnd_WaitsOnlyUntilTheEnd()
    {
        var step = StabilityWindow.Next(Opened(TimeSpan.FromSeconds(300)), true, TimeSpan.FromSeconds(290), T0.AddSeconds(290));

        Assert.Equal(TimeSpan.FromSeconds(10), step.Wait);
    }

    [Fact]
    public void Next_HealthyAtTheEnd_Stable()
    {
        var step = StabilityWindow.Next(Opened(TimeSpan.FromSeconds(300)), true, TimeSpan.FromSeconds(300), T0.AddSeconds(300));

        Assert.Equal(StabilityVerdict.Stable, step.Verdict);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(120)]
    [InlineData(301)]
    public void Next_Unhealthy_FailedWhateverTimeIsLeft(int elapsedSec)
    {
        var step = StabilityWindow.Next(Opened(TimeSpan.FromSeconds(300)), false, TimeSpan.FromSeconds(elapsedSec), T0.AddSeconds(elapsedSec));

        Assert.Equal(StabilityVerdict.Failed, step.Verdict);
        Assert.Equal(1, step.Progress.RoundsPassed);
        Assert.Contains($"{elapsedSec} s into the 300 s stability window", StabilityWindow.FailedMessage(step.Progress), StringComparison.Ordinal);
    }

    [Fact]
    public void DeadlineLimit_NoWindowOpen_TheDeadline()
    {
        Assert.Equal(TimeSpan.FromMinutes(15), StabilityWindow.DeadlineLimit(TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1), null, T0, TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public void DeadlineLimit_WindowEndingAfterTheDeadline_WindowsEndPlusOneValidation()
    {
        // Opened at T0 when the boot was 60 s old; a 30 min window ends at age 31 min, plus 2 min.
        var limit = StabilityWindow.DeadlineLimit(TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(60), Opened(TimeSpan.FromMinutes(30)), T0, TimeSpan.FromMinutes(2));

        Assert.Equal(TimeSpan.FromMinutes(33), limit);
    }

    [Fact]
    public void DeadlineLimit_WindowEndingBeforeTheDeadline_TheDeadline()
    {
        var limit = StabilityWindow.DeadlineLimit(TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(60), Opened(TimeSpan.FromMinutes(5)), T0, TimeSpan.FromMinutes(2));

        Assert.Equal(TimeSpan.FromMinutes(15), limit);
    }
}
