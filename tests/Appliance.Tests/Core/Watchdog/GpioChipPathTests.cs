using Appliance.Core.Watchdog;

namespace Appliance.Tests.Core.Watchdog;

public sealed class GpioChipPathTests
{
    [Theory]
    [InlineData("/dev/gpiochip0", 0)]
    [InlineData("/dev/gpiochip12", 12)]
    public void Number_ChipDevice_IsItsNumber(string path, int number)
    {
        Assert.Equal(number, GpioChipPath.Number(path));
        Assert.Equal(path, GpioChipPath.Parse(path));
    }

    [Theory]
    [InlineData("gpiochip0")]
    [InlineData("/dev/gpiochip")]
    [InlineData("/dev/gpiochip-1")]
    [InlineData("/dev/gpiochip0/../watchdog0")]
    [InlineData("/dev/gpiochip 1")]
    [InlineData("/dev/gpiochip+1")]
    [InlineData("/sys/class/gpio/gpiochip0")]
    public void Parse_NotAChipDevice_SaysTheForm(string path)
    {
        Assert.Null(GpioChipPath.Number(path));
        var e = Assert.Throws<FormatException>(() => GpioChipPath.Parse(path));
        Assert.Contains(GpioChipPath.Form, e.Message);
    }
}
