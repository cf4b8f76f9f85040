using Appliance.Core.Watchdog;
using Appliance.Linux.Watchdog;

namespace Appliance.Linux.Gpio;

/// <summary>
/// An external watchdog chip (TPS3823-style: its WDI input needs a transition within the
/// chip's timeout) kicked through a GPIO line: toggled on every pet, or pulsed active for a
/// configured time. The line is abstracted so the pet logic is testable without a chip.
/// </summary>
public sealed class GpioWatchdog(IGpioOutput line, GpioWatchdogSettings settings) : IPetTarget
{
    private GpioWatchdogSettings _settings = settings;

    public string Name => line.ToString() ?? "gpio";

    public string Kind => "gpio";

    public TimeSpan? Deadline => _settings.Timeout;

    public DeviceResetCause? ResetCause => null;

    public void Pet()
    {
        if (_settings.Mode == GpioPetMode.Toggle)
        {
            line.Set(!line.Value);
            return;
        }

        // The pulse is short (validated under half the chip's timeout, typically a few ms), so
        // a sleep on the pet thread is cheaper than a timer and keeps the edge timing exact.
        line.Set(true);
        Thread.Sleep(_settings.Pulse);
        line.Set(false);
    }

    public bool Reconfigure(WatchdogSettings settings, TextWriter log)
    {
        if (settings.Gpio is not { } g || g.Chip != _settings.Chip || g.Line != _settings.Line || g.ActiveLow != _settings.ActiveLow)
        {
            return false;
        }

        _settings = g;
        return true;
    }

    /// <summary>An external chip has no magic close: releasing the line stops the kicks and the chip resets the machine.</summary>
    public string Release(bool disarm)
    {
        Dispose();
        return $"{Name}: released; an external watchdog chip cannot be disarmed from software and will reset the machine";
    }

    public void Dispose() => line.Dispose();
}

/// <summary>A GPIO output line; values are logical (true = active). <see cref="GpioOutput"/> is the real one.</summary>
public interface IGpioOutput : IDisposable
{
    bool Value { get; }

    void Set(bool value);
}
