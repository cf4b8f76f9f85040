using Appliance.Core.Watchdog;

namespace Appliance.Tests.Core.Watchdog;

public sealed class DecodingTests
{
    [Theory]
    [InlineData(0u, new string[0])]
    [InlineData(0x20u, new[] { "watchdog reset" })]
    [InlineData(0x31u, new[] { "watchdog reset", "overheat", "power under voltage" })]
    [InlineData(0x4Eu, new[] { "fan fault", "external relay 1", "external relay 2", "power over voltage" })]
    public void ResetCause_Bits_DecodeToCauses(uint bits, string[] causes)
    {
        Assert.Equal(causes, ResetCause.Decode(bits));
    }

    [Fact]
    public void ResetCause_Zero_SummarisesAsPowerOn()
    {
        Assert.Equal("power-on or unknown", ResetCause.Summary(0));
    }

    [Fact]
    public void OptionNames_SoftdogOptions_DecodeInBitOrder()
    {
        // softdog: WDIOF_SETTIMEOUT | WDIOF_KEEPALIVEPING | WDIOF_MAGICCLOSE (drivers/watchdog/softdog.c).
        Assert.Equal(["SETTIMEOUT", "MAGICCLOSE", "KEEPALIVEPING"], WatchdogOptionNames.Decode(0x8180));
    }

    [Fact]
    public void OptionNames_UnknownBits_AreShownNotHidden()
    {
        Assert.Equal(["CARDRESET", "0x10000"], WatchdogOptionNames.Decode(0x10020));
    }

    [Theory]
    [InlineData(0x0001u, WatchdogOptions.Overheat)]
    [InlineData(0x0002u, WatchdogOptions.FanFault)]
    [InlineData(0x0004u, WatchdogOptions.Extern1)]
    [InlineData(0x0008u, WatchdogOptions.Extern2)]
    [InlineData(0x0010u, WatchdogOptions.PowerUnder)]
    [InlineData(0x0020u, WatchdogOptions.CardReset)]
    [InlineData(0x0040u, WatchdogOptions.PowerOver)]
    [InlineData(0x0080u, WatchdogOptions.SetTimeout)]
    [InlineData(0x0100u, WatchdogOptions.MagicClose)]
    [InlineData(0x0200u, WatchdogOptions.Pretimeout)]
    [InlineData(0x0400u, WatchdogOptions.AlarmOnly)]
    [InlineData(0x8000u, WatchdogOptions.KeepalivePing)]
    public void Options_Values_MatchWatchdogH(uint value, WatchdogOptions option)
    {
        Assert.Equal(value, (uint)option);
    }

    [Fact]
    public void PetInterval_NothingConfigured_IsHalfTheShortestDeadline()
    {
        var choice = PetInterval.Choose(null, [TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)]);

        Assert.Equal(TimeSpan.FromSeconds(5), choice.Interval);
        Assert.Null(choice.Warning);
    }

    [Fact]
    public void PetInterval_ConfiguredTooLong_IsShortenedWithWarning()
    {
        var choice = PetInterval.Choose(TimeSpan.FromSeconds(8), [TimeSpan.FromSeconds(10)]);

        Assert.Equal(TimeSpan.FromSeconds(5), choice.Interval);
        Assert.Contains("more than half", choice.Warning);
    }

    [Fact]
    public void PetInterval_NoDeadlines_UsesConfiguredOrFallback()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), PetInterval.Choose(TimeSpan.FromSeconds(3), []).Interval);
        Assert.Equal(PetInterval.Fallback, PetInterval.Choose(null, []).Interval);
    }
}
