using Appliance.Core.Watchdog;

namespace Appliance.Tests.Core.Watchdog;

public sealed class LatePetsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(0, false)]
    [InlineData(500, false)]
    [InlineData(501, true)]
    [InlineData(5000, true)]
    public void IsLate_HalfAnInterval_IsTheLine(int lateMs, bool late) =>
        Assert.Equal(late, LatePets.IsLate(TimeSpan.FromMilliseconds(lateMs), Interval));

    [Fact]
    public void Observe_OnTime_CountsNothingAndSaysNothing()
    {
        var pets = new LatePets();

        Assert.Null(pets.Observe(TimeSpan.FromMilliseconds(400), Interval, T0));
        Assert.Equal(new LatePetFigures(0, TimeSpan.Zero), pets.Snapshot());
    }

    [Fact]
    public void Observe_LatePets_CountsThemAndKeepsTheLargest()
    {
        var pets = new LatePets();

        pets.Observe(TimeSpan.FromMilliseconds(700), Interval, T0);
        pets.Observe(TimeSpan.FromMilliseconds(2500), Interval, T0.AddSeconds(1));
        pets.Observe(TimeSpan.FromMilliseconds(900), Interval, T0.AddSeconds(2));

        Assert.Equal(new LatePetFigures(3, TimeSpan.FromMilliseconds(2500)), pets.Snapshot());
    }

    [Fact]
    public void Observe_FirstLatePet_WarnsWithHowLate()
    {
        var pets = new LatePets();

        string? warning = pets.Observe(TimeSpan.FromMilliseconds(1830), Interval, T0);

        Assert.NotNull(warning);
        Assert.StartsWith("a watchdog pet went out 1830 ms late (due every 1000 ms; the first late pet since the daemon started; the largest 1830 ms late)", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_LateAgainWithinTheHour_StaysQuiet()
    {
        var pets = new LatePets();
        pets.Observe(TimeSpan.FromSeconds(2), Interval, T0);

        Assert.Null(pets.Observe(TimeSpan.FromSeconds(2), Interval, T0.AddMinutes(1)));
        Assert.Null(pets.Observe(TimeSpan.FromSeconds(2), Interval, T0.AddMinutes(59).AddSeconds(59)));
    }

    [Fact]
    public void Observe_LateAgainAfterTheHour_WarnsWithTheCountSinceTheLastWarning()
    {
        var pets = new LatePets();
        pets.Observe(TimeSpan.FromSeconds(2), Interval, T0);
        pets.Observe(TimeSpan.FromSeconds(3), Interval, T0.AddMinutes(10));
        pets.Observe(TimeSpan.FromSeconds(2), Interval, T0.AddMinutes(20));

        string? warning = pets.Observe(TimeSpan.FromSeconds(1), Interval, T0.AddHours(1));

        Assert.NotNull(warning);
        Assert.Contains("3 late pet(s) since the last warning, 4 since the daemon started; the largest 3000 ms late", warning, StringComparison.Ordinal);
        Assert.Null(pets.Observe(TimeSpan.FromSeconds(2), Interval, T0.AddHours(1).AddMinutes(30)));
    }

    [Fact]
    public void Observe_OnTimePetsAfterAnHour_DoNotWarn()
    {
        var pets = new LatePets();
        pets.Observe(TimeSpan.FromSeconds(2), Interval, T0);

        Assert.Null(pets.Observe(TimeSpan.Zero, Interval, T0.AddHours(2)));
    }
}
