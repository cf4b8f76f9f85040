using Appliance.Core.Watchdog;
using Appliance.Linux.Gpio;

namespace Appliance.Linux.Watchdog;

/// <summary>
/// Shows a <see cref="StatusLedState"/> on a sysfs LED (Documentation/leds/leds-class.rst:
/// <c>trigger</c>, <c>brightness</c>, and the timer trigger's <c>delay_on</c>/<c>delay_off</c>)
/// or a GPIO line (level only). Writes only on change.
/// </summary>
public sealed class StatusLedWriter(string? sysfsDirectory, IGpioOutput? gpio) : IDisposable
{
    private StatusLedState? _shown;

    public void Show(StatusLedState state)
    {
        if (_shown == state)
        {
            return;
        }

        var pattern = StatusLedPatterns.For(state);
        if (sysfsDirectory is not null)
        {
            if (pattern.Blinks)
            {
                Write("trigger", "timer");
                Write("delay_on", pattern.BlinkOnMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Write("delay_off", pattern.BlinkOffMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                Write("trigger", "none");
                Write("brightness", pattern.On ? "1" : "0");
            }
        }

        gpio?.Set(pattern.On);
        _shown = state;
    }

    private void Write(string attribute, string value) => File.WriteAllText(Path.Combine(sysfsDirectory!, attribute), value);

    public void Dispose() => gpio?.Dispose();
}
