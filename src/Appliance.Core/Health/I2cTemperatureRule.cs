using System.Globalization;

namespace Appliance.Core.Health;

/// <summary>
/// <c>[Check:NAME] Type=i2c-temperature</c>: an LM75-class sensor on an I2C bus, read through
/// System.Device.I2c, against <c>MaxCelsius</c>. For boards whose sensor no kernel
/// driver claims (a hwmon-backed sensor is the <c>[Watchdog] MaxTemperature</c> probe's job).
/// </summary>
public sealed record I2cTemperatureSettings(string Name = I2cTemperatureRule.Type, bool Enabled = true, bool Required = false, int Bus = -1, int Address = I2cTemperatureRule.DefaultAddress, double? MaxCelsius = null)
    : BuiltinCheckSettings(Name, Enabled, Required)
{
    public override string Type => I2cTemperatureRule.Type;
}

public static class I2cTemperatureRule
{
    public const string Type = "i2c-temperature";

    /// <summary>The LM75's address with A2..A0 tied low (datasheet: 1001 A2 A1 A0).</summary>
    public const int DefaultAddress = 0x48;

    /// <summary>
    /// 7-bit addresses a client may use: 0x00-0x02 and 0x78-0x7f are reserved by the I2C
    /// specification (the kernel's i2c_check_7bit_addr_validity_strict refuses them).
    /// </summary>
    public const int MinAddress = 0x03;

    public const int MaxAddress = 0x77;

    /// <summary>The pointer value that selects the temperature register (LM75 datasheet, "Pointer Register").</summary>
    public const byte TemperatureRegister = 0x00;

    /// <summary>
    /// The temperature register as read (most significant byte first): a two's-complement value
    /// whose top 9 bits count 0.5 °C steps (LM75 datasheet, "Temperature Register"). LM75A/B,
    /// DS75 and TMP75 fill lower bits with finer steps, which a plain LM75 leaves undefined, so
    /// they are dropped: every LM75-class part reads the same. 0x19 0x00 is 25 °C, 0xE7 0x00 is -25 °C.
    /// </summary>
    public static double Lm75Celsius(byte msb, byte lsb) => ((short)((msb << 8) | lsb) >> 7) * 0.5;

    /// <summary>What the section must say besides its defaults.</summary>
    public static IEnumerable<string> Problems(I2cTemperatureSettings s)
    {
        if (s.Bus < 0)
        {
            yield return "needs Bus= (the N of /dev/i2c-N; i2cdetect -l lists them)";
        }

        if (s.MaxCelsius is null)
        {
            yield return "needs MaxCelsius= (the temperature above which the machine is not healthy)";
        }
    }

    /// <summary>Where the sensor is, as messages name it: "i2c-1 0x48".</summary>
    public static string Where(I2cTemperatureSettings s) => string.Create(CultureInfo.InvariantCulture, $"i2c-{s.Bus} 0x{s.Address:x2}");

    public static CheckOutcome Evaluate(double celsius, I2cTemperatureSettings settings)
    {
        string reading = string.Create(CultureInfo.InvariantCulture, $"{Where(settings)}: {celsius:0.0} °C");
        return settings.MaxCelsius is { } max && celsius > max
            ? CheckOutcome.Fail(string.Create(CultureInfo.InvariantCulture, $"{reading} > MaxCelsius={max}"))
            : CheckOutcome.Pass(string.Create(CultureInfo.InvariantCulture, $"{reading} (limit {settings.MaxCelsius})"));
    }
}
