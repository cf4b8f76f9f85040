using Appliance.Core.Health;
using Appliance.Linux.Files;
using Appliance.Linux.I2c;
using Appliance.Linux.Native;

namespace Appliance.Linux.Health;

/// <summary>
/// An LM75-class sensor read over <c>/dev/i2c-N</c> through System.Device.I2c's
/// <see cref="System.Device.I2c.I2cDevice"/> (<see cref="SmbusDevice"/>, so SMBus-only adapters
/// work too). Iot.Device.Bindings' Lm75 driver reads the same register, but returns a UnitsNet
/// quantity, and UnitsNet brought 7.5 MB into the native binary and 3.4 MiB to the RSS of every
/// start (5.5 to 13.1 MB; appliance --version 8.2 to 11.6 MiB, measured 2026-12-05): more than
/// the watchdog daemon's 8 MiB goal allows for one register read.
/// </summary>
public sealed class I2cTemperatureCheck(I2cTemperatureSettings settings) : BuiltinCheck<I2cTemperatureSettings>(settings)
{
    /// <summary>A transfer to a wedged sensor can stall the bus.</summary>
    public override bool MayBlock => true;

    public override CheckOutcome Evaluate(HealthCheckContext context)
    {
        Span<byte> register = stackalloc byte[2];
        try
        {
            using var sensor = SmbusDevice.Open(context.Root, Settings.Bus, Settings.Address);
            sensor.WriteRead([I2cTemperatureRule.TemperatureRegister], register);
        }
        catch (Exception e) when (e is FileProblemException or SystemError or IOException)
        {
            return CheckOutcome.Error($"{I2cTemperatureRule.Where(Settings)}: {e.Message}");
        }

        return I2cTemperatureRule.Evaluate(I2cTemperatureRule.Lm75Celsius(register[0], register[1]), Settings);
    }
}
