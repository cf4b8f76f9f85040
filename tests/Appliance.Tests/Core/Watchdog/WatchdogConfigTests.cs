using Appliance.Core.Watchdog;

namespace Appliance.Tests.Core.Watchdog;

public sealed class WatchdogConfigTests
{
    [Fact]
    public void Parse_EmptySection_GivesSafeDefaults()
    {
        var s = WatchdogConfig.Parse("[Watchdog]\n", "test.conf");

        Assert.Empty(s.Devices);
        Assert.False(s.MagicCloseOnStop);
        Assert.Equal(TimeSpan.FromSeconds(60), s.Grace);
        Assert.Equal(BuiltinChecks.All, s.BuiltinChecks);
        Assert.Equal("auto", s.Board);
    }

    [Fact]
    public void Parse_EveryKey_IsRead()
    {
        const string Text = """
            [Other]
            Unknown=ignored here
            [Watchdog]
            # comment
            Device=/dev/watchdog1
            Device=identity:i6300ESB timer
            Device=Software Watchdog
            Timeout=20
            Pretimeout=5
            PretimeoutGovernor=panic
            Interval=2500ms
            MagicCloseOnStop=yes
            Grace=2min
            Repair=/usr/lib/appliance/repair "two words" --flag
            RepairTimeout=30s
            CheckInterval=5
            CheckTimeout=4s
            Check=/bin/true
            Check=/usr/bin/test -e /run/ready
            BuiltinChecks=temperature fds
            MaxTemperature=85.5
            MaxCorrectedErrorsPerInterval=3
            MaxFileDescriptorPercent=80
            OutputLimitBytes=4096
            RealtimePriority=50
            LockMemory=on
            OomScoreAdjust=-1000
            GpioChip=/dev/gpiochip1
            GpioLine=17
            GpioMode=pulse
            GpioPulse=5ms
            GpioTimeout=1600ms
            GpioActiveLow=true
            Board=raspberrypi4
            StatusLed=led:ACT
            """;

        var s = WatchdogConfig.Parse(Text, "test.conf");

        Assert.Equal([DeviceSelector.ByPath("/dev/watchdog1"), DeviceSelector.ByIdentity("i6300ESB timer"), DeviceSelector.ByIdentity("Software Watchdog")], s.Devices);
        Assert.Equal(20, s.TimeoutSeconds);
        Assert.Equal(5, s.PretimeoutSeconds);
        Assert.Equal("panic", s.PretimeoutGovernor);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), s.Interval);
        Assert.True(s.MagicCloseOnStop);
        Assert.Equal(TimeSpan.FromMinutes(2), s.Grace);
        Assert.Equal(new CommandSpec("/usr/lib/appliance/repair", ["two words", "--flag"]), s.Repair);
        Assert.Equal(TimeSpan.FromSeconds(30), s.RepairTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), s.CheckInterval);
        Assert.Equal(TimeSpan.FromSeconds(4), s.CheckTimeout);
        Assert.Equal(2, s.Checks.Count);
        Assert.Equal(["-e", "/run/ready"], s.Checks[1].Arguments);
        Assert.Equal(["temperature", "fds"], s.BuiltinChecks);
        Assert.Equal(85.5, s.MaxTemperatureCelsius);
        Assert.Equal(3, s.MaxCorrectedErrorsPerInterval);
        Assert.Equal(80, s.MaxFileDescriptorPercent);
        Assert.Equal(4096, s.OutputLimitBytes);
        Assert.Equal(50, s.RealtimePriority);
        Assert.True(s.LockMemory);
        Assert.Equal(-1000, s.OomScoreAdjust);
        Assert.Equal(new GpioWatchdogSettings { Chip = "/dev/gpiochip1", Line = 17, Mode = GpioPetMode.Pulse, Pulse = TimeSpan.FromMilliseconds(5), Timeout = TimeSpan.FromMilliseconds(1600), ActiveLow = true }, s.Gpio);
        Assert.Equal("raspberrypi4", s.Board);
        Assert.Equal("ACT", s.StatusLed?.SysfsName);
    }

    [Fact]
    public void Parse_EmptyListValue_ClearsEarlierEntries()
    {
        var s = WatchdogConfig.Parse("[Watchdog]\nDevice=/dev/watchdog0\nDevice=\nDevice=/dev/watchdog1\n", "t");

        Assert.Equal([DeviceSelector.ByPath("/dev/watchdog1")], s.Devices);
    }

    [Theory]
    [InlineData("Tiemout=5", "t:2: unknown key 'Tiemout'")]
    [InlineData("Timeout=0", "t:2: Timeout: expected a whole number from 1 to 65535")]
    [InlineData("Interval=fast", "t:2: Interval: expected a duration")]
    [InlineData("Check=true", "t:2: Check: expected an absolute program path")]
    [InlineData("MagicCloseOnStop=maybe", "t:2: MagicCloseOnStop: expected yes or no")]
    [InlineData("BuiltinChecks=temperature disk", "t:2: BuiltinChecks: unknown check 'disk'")]
    [InlineData("Timeout=10\nPretimeout=10", "Pretimeout=10 must be less than Timeout=10")]
    [InlineData("GpioChip=/dev/gpiochip0", "GpioChip is set but GpioLine is not")]
    [InlineData("StatusLed=blue", "StatusLed: expected led:NAME, gpio:CHIP:LINE or none")]
    [InlineData("GpioChip=/sys/class/gpio/gpiochip0\nGpioLine=1", "t:2: GpioChip: expected a GPIO chip as /dev/gpiochipN")]
    [InlineData("StatusLed=gpio:gpiochip0:3", "expected a GPIO chip as /dev/gpiochipN")]
    [InlineData("HealthCheck=a b", "t:2: HealthCheck: expected the NAME of a [Check:NAME] section")]
    public void Parse_BadValue_NamesLineAndWhatIsAccepted(string body, string expected)
    {
        var e = Assert.Throws<WatchdogConfigException>(() => WatchdogConfig.Parse("[Watchdog]\n" + body + "\n", "t"));

        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("5", 5000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2min", 120000)]
    [InlineData("1h", 3600000)]
    public void Duration_SystemdUnits_AreUnderstood(string text, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), WatchdogConfig.Duration(text));
    }

    [Fact]
    public void Command_QuotesAndBackslashes_GroupWithoutExpansion()
    {
        var c = WatchdogConfig.Command("/bin/echo \"a b\" $HOME \"q\\\"x\" *");

        Assert.Equal("/bin/echo", c.Program);
        Assert.Equal(["a b", "$HOME", "q\"x", "*"], c.Arguments);
    }

    [Fact]
    public void StatusLed_Gpio_ParsesChipAndLine()
    {
        var led = StatusLedSettings.Parse("gpio:/dev/gpiochip0:23");

        Assert.Equal(("/dev/gpiochip0", 23u), (led!.GpioChip, led.GpioLine));
        Assert.Null(StatusLedSettings.Parse("none"));
    }
}

public sealed class WatchdogConfigDropInTests
{
    [Fact]
    public void Parse_DropInAfterMain_WinsKeyByKeyAndListsAccumulate()
    {
        var s = WatchdogConfig.Parse([
            ("appliance.conf", "[Watchdog]\nTimeout=30\nGrace=10s\nCheck=/bin/true\n"),
            ("appliance.conf.d/50-site.conf", "[Watchdog]\nTimeout=20\nCheck=/bin/false\n"),
        ]);

        Assert.Equal(20, s.TimeoutSeconds);
        Assert.Equal(TimeSpan.FromSeconds(10), s.Grace);
        Assert.Equal(["/bin/true", "/bin/false"], s.Checks.Select(c => c.Program));
    }

    [Fact]
    public void Parse_ErrorInDropIn_NamesTheDropIn()
    {
        var e = Assert.Throws<WatchdogConfigException>(() => WatchdogConfig.Parse([("main.conf", "[Watchdog]\n"), ("d/x.conf", "[Watchdog]\n\nGrace=never\n")]));

        Assert.StartsWith("d/x.conf:3:", e.Message);
    }

    [Fact]
    public void WithHealthChecks_NamedSections_ResolveInOrderSkippingDisabled()
    {
        var s = WatchdogConfig.Parse("[Watchdog]\nHealthCheck=board-temp\nHealthCheck=app\nHealthCheck=off\n", "t");
        Appliance.Core.Health.BuiltinCheckSettings[] sections =
        [
            new Appliance.Core.Health.ProcessAliveSettings("app", PidFile: "/run/app.pid"),
            new Appliance.Core.Health.I2cTemperatureSettings("board-temp", Bus: 1, MaxCelsius: 70),
            new Appliance.Core.Health.ProcessAliveSettings("off", Enabled: false, PidFile: "/run/off.pid"),
        ];

        var resolved = WatchdogConfig.WithHealthChecks(s, sections);

        Assert.Equal(["board-temp", "app"], resolved.HealthChecks.Select(c => c.Name));
    }

    [Fact]
    public void WithHealthChecks_NoSuchSection_NamesFileLineAndSection()
    {
        var s = WatchdogConfig.Parse("[Watchdog]\nDevice=/dev/watchdog0\nHealthCheck=board-temp\n", "/etc/appliance/watchdog.conf");

        var e = Assert.Throws<WatchdogConfigException>(() => WatchdogConfig.WithHealthChecks(s, []));

        Assert.StartsWith("/etc/appliance/watchdog.conf:3: HealthCheck=board-temp names no [Check:board-temp] section", e.Message);
    }

    [Fact]
    public void Parse_EmptyHealthCheck_ClearsTheListSoFar()
    {
        var s = WatchdogConfig.Parse([("a.conf", "[Watchdog]\nHealthCheck=x\n"), ("b.conf", "[Watchdog]\nHealthCheck=\nHealthCheck=y\n")]);

        Assert.Equal(["y"], s.HealthCheckNames.Select(h => h.Name));
    }
}
