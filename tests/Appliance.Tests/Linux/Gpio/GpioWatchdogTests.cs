using System.Diagnostics;
using Appliance.Core.Watchdog;
using Appliance.Linux.Gpio;

namespace Appliance.Tests.Linux.Gpio;

public sealed class GpioWatchdogTests
{
    [Fact]
    public void Pet_ToggleMode_FlipsTheLineEachTime()
    {
        var line = new FakeGpioOutput();
        var wd = new GpioWatchdog(line, new GpioWatchdogSettings { Chip = "/dev/gpiochip0", Line = 17 });

        wd.Pet();
        wd.Pet();
        wd.Pet();

        Assert.Equal([true, false, true], line.Writes.Select(w => w.Value));
    }

    [Fact]
    public void Pet_PulseMode_ActiveForThePulseThenInactive()
    {
        var line = new FakeGpioOutput();
        var wd = new GpioWatchdog(line, new GpioWatchdogSettings { Chip = "/dev/gpiochip0", Line = 1, Mode = GpioPetMode.Pulse, Pulse = TimeSpan.FromMilliseconds(20) });

        wd.Pet();

        Assert.Equal([true, false], line.Writes.Select(w => w.Value));
        Assert.True(Stopwatch.GetElapsedTime(line.Writes[0].At, line.Writes[1].At) >= TimeSpan.FromMilliseconds(19));
    }

    [Fact]
    public void Deadline_IsTheChipTimeout()
    {
        var wd = new GpioWatchdog(new FakeGpioOutput(), new GpioWatchdogSettings { Chip = "/dev/gpiochip0", Line = 1, Timeout = TimeSpan.FromMilliseconds(1600) });

        Assert.Equal(TimeSpan.FromMilliseconds(1600), wd.Deadline);
    }
}
