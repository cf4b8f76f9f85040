using Appliance.Core.Health;

namespace Appliance.Tests.Core.Health;

public sealed class I2cTemperatureRuleTests
{
    private static readonly I2cTemperatureSettings Board = new("board-temp", Bus: 1, Address: 0x48, MaxCelsius: 70);

    [Theory]
    [InlineData(0x19, 0x00, 25.0)]
    [InlineData(0x19, 0x80, 25.5)]
    [InlineData(0x00, 0x00, 0.0)]
    [InlineData(0xFF, 0x80, -0.5)]
    [InlineData(0xE7, 0x00, -25.0)]
    [InlineData(0x7D, 0x00, 125.0)]
    [InlineData(0xC9, 0x00, -55.0)]
    public void Lm75Celsius_DatasheetExamples_Decode(byte msb, byte lsb, double celsius)
    {
        Assert.Equal(celsius, I2cTemperatureRule.Lm75Celsius(msb, lsb));
    }

    [Fact]
    public void Lm75Celsius_FinerBitsOfLm75B_AreDropped()
    {
        // 25.125 °C on an 11-bit LM75B: 0x19 0x20. A 9-bit LM75 leaves those bits undefined.
        Assert.Equal(25.0, I2cTemperatureRule.Lm75Celsius(0x19, 0x20));
    }

    [Fact]
    public void Evaluate_BelowTheLimit_PassesWithReadingAndLimit()
    {
        Assert.Equal(CheckOutcome.Pass("i2c-1 0x48: 25.0 °C (limit 70)"), I2cTemperatureRule.Evaluate(25, Board));
    }

    [Fact]
    public void Evaluate_AtTheLimit_Passes()
    {
        Assert.Equal(CheckResult.Pass, I2cTemperatureRule.Evaluate(70, Board).Result);
    }

    [Fact]
    public void Evaluate_AboveTheLimit_FailsNamingSensorAndKey()
    {
        Assert.Equal(CheckOutcome.Fail("i2c-1 0x48: 90.0 °C > MaxCelsius=70"), I2cTemperatureRule.Evaluate(90, Board));
    }

    [Fact]
    public void Problems_NoBusNoLimit_NamesBothKeys()
    {
        var problems = I2cTemperatureRule.Problems(new I2cTemperatureSettings("t")).ToList();

        Assert.Equal(2, problems.Count);
        Assert.Contains("Bus=", problems[0]);
        Assert.Contains("MaxCelsius=", problems[1]);
    }
}
