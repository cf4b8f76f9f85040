using System.Globalization;

namespace Appliance.Core.Watchdog;

/// <summary>
/// How a GPIO chip is named in the config, the board profiles and <c>StatusLed=gpio:CHIP:LINE</c>:
/// its character device, <c>/dev/gpiochipN</c>. System.Device.Gpio's libgpiod driver opens a
/// chip by its number (libgpiod 1.6, gpiod_chip_open_by_number: "/dev/gpiochip%u"), so the path
/// is only accepted in that form and N is what reaches the driver.
/// </summary>
public static class GpioChipPath
{
    public const string Form = "/dev/gpiochipN";

    private const string Prefix = "/dev/gpiochip";

    /// <summary>N of <c>/dev/gpiochipN</c>; null for any other text.</summary>
    public static int? Number(string path) =>
        path.StartsWith(Prefix, StringComparison.Ordinal)
        && path.Length > Prefix.Length
        && path.AsSpan(Prefix.Length).IndexOfAnyExceptInRange('0', '9') < 0
        && int.TryParse(path.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            ? n
            : null;

    /// <summary>The value itself when it names a chip as <see cref="Form"/>; else a <see cref="FormatException"/> saying so.</summary>
    public static string Parse(string value) =>
        Number(value) is not null
            ? value
            : throw new FormatException($"expected a GPIO chip as {Form} (gpiodetect lists them), got '{value}'");
}
