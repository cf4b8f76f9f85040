using Appliance.Core.Config;
using Appliance.Core.Health;
using Appliance.Core.Watchdog;

namespace Appliance.Tests.Core.Configuration;

/// <summary><c>[Watchdog]</c>, read by the one grammar every section goes through.</summary>
public sealed class WatchdogSectionTests
{
    private static WatchdogSettings Parse(params (string Path, string Text)[] files) => ConfigParser.Parse(files).Require().Watchdog;

    private static WatchdogSettings Parse(string text) => Parse(("t", text));

    private static string Errors(string text) => string.Join("\n", ConfigParser.Parse([("t", text)]).Errors);

    [Fact]
    public void Parse_EmptySection_GivesSafeDefaults()
    {
        var s = Parse("[Watchdog]\n");

        Assert.Empty(s.Devices);
        Assert.False(s.MagicCloseOnStop);
        Assert.Equal(TimeSpan.FromSeconds(60), s.Grace);
        Assert.Equal(BuiltinChecks.All, s.BuiltinChecks);
        Assert.Equal("auto", s.Board);
        Assert.Equal(s, ConfigParser.Parse([]).Require().Watchdog);
    }

    [Fact]
    public void Parse_EveryKey_IsRead()
    {
        const string Text = """
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
            X-Site-Note=ignored, as systemd ignores X- keys
            """;

        var s = Parse(Text);

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
        var s = Parse("[Watchdog]\nDevice=/dev/watchdog0\nDevice=\nDevice=/dev/watchdog1\n");

        Assert.Equal([DeviceSelector.ByPath("/dev/watchdog1")], s.Devices);
    }

    [Theory]
    [InlineData("Tiemout=5", "t:2: unknown key 'Tiemout' in [Watchdog] (did you mean 'Timeout'?)")]
    [InlineData("Timeout=0", "t:2: invalid value '0' for Timeout in [Watchdog]: expected a whole number from 1 to 65535")]
    [InlineData("Interval=fast", "t:2: invalid value 'fast' for Interval in [Watchdog]: expected a time span from 10ms to 3600s")]
    [InlineData("Interval=5ms", "t:2: invalid value '5ms' for Interval in [Watchdog]: expected a time span from 10ms to 3600s")]
    [InlineData("Check=true", "t:2: invalid value 'true' for Check in [Watchdog]: expected an absolute program path")]
    [InlineData("Check=/bin/echo \"open", "t:2: invalid value '/bin/echo \"open' for Check in [Watchdog]: unterminated quote")]
    [InlineData("MagicCloseOnStop=maybe", "t:2: invalid value 'maybe' for MagicCloseOnStop in [Watchdog]: expected yes or no")]
    [InlineData("BuiltinChecks=temperature disk", "t:2: invalid value 'temperature disk' for BuiltinChecks in [Watchdog]: unknown check 'disk'")]
    [InlineData("Timeout=10\nPretimeout=10", "t:3: [Watchdog] Pretimeout=10 must be less than Timeout=10")]
    [InlineData("PretimeoutGovernor=panick", "t:2: invalid value 'panick' for PretimeoutGovernor in [Watchdog]: expected one of noop, panic")]
    [InlineData("GpioChip=/dev/gpiochip0", "t:2: [Watchdog] GpioChip is set but GpioLine is not")]
    [InlineData("GpioChip=/dev/gpiochip0\nGpioLine=1\nGpioMode=pulse\nGpioPulse=500ms", "t:5: [Watchdog] GpioPulse=500 ms must be under half of GpioTimeout=900 ms")]
    [InlineData("StatusLed=blue", "t:2: invalid value 'blue' for StatusLed in [Watchdog]: expected led:NAME, gpio:CHIP:LINE or none")]
    [InlineData("GpioChip=/sys/class/gpio/gpiochip0\nGpioLine=1", "t:2: invalid value '/sys/class/gpio/gpiochip0' for GpioChip in [Watchdog]: expected a GPIO chip as /dev/gpiochipN")]
    [InlineData("StatusLed=gpio:gpiochip0:3", "expected a GPIO chip as /dev/gpiochipN")]
    [InlineData("OomScoreAdjust=-1001", "t:2: invalid value '-1001' for OomScoreAdjust in [Watchdog]: expected a whole number from -1000 to 1000")]
    [InlineData("HealthCheck=board-temp", "t:2: invalid value 'board-temp' for HealthCheck in [Watchdog]: no [Check:board-temp] section in appliance.conf or its drop-ins")]
    public void Parse_BadValue_NamesFileLineKeyAndWhatIsAccepted(string body, string expected)
    {
        Assert.Contains(expected, Errors("[Watchdog]\n" + body + "\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DropInAfterMain_WinsKeyByKeyAndListsAccumulate()
    {
        var s = Parse(
            ("appliance.conf", "[Watchdog]\nTimeout=30\nGrace=10s\nCheck=/bin/true\n"),
            ("appliance.conf.d/50-site.conf", "[Watchdog]\nTimeout=20\nCheck=/bin/false\n"));

        Assert.Equal(20, s.TimeoutSeconds);
        Assert.Equal(TimeSpan.FromSeconds(10), s.Grace);
        Assert.Equal(["/bin/true", "/bin/false"], s.Checks.Select(c => c.Program));
    }

    [Fact]
    public void Parse_ErrorInDropIn_NamesTheDropIn()
    {
        var r = ConfigParser.Parse([("main.conf", "[Watchdog]\n"), ("d/x.conf", "[Watchdog]\n\nGrace=never\n")]);

        Assert.StartsWith("d/x.conf:3:", Assert.Single(r.Errors).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void HealthCheck_NamedSections_ResolveInOrderSkippingDisabled()
    {
        var s = Parse("""
            [Check:app]
            Type=process
            PidFile=/run/app.pid
            [Check:board-temp]
            Type=i2c-temperature
            Bus=1
            MaxCelsius=70
            [Check:off]
            Type=process
            PidFile=/run/off.pid
            Enabled=no
            [Watchdog]
            HealthCheck=board-temp
            HealthCheck=app
            HealthCheck=off
            """);

        Assert.Equal(["board-temp", "app"], s.HealthChecks.Select(c => c.Name));
        Assert.IsType<I2cTemperatureSettings>(s.HealthChecks[0]);
    }

    [Fact]
    public void HealthCheck_SectionInAnotherFile_IsFound()
    {
        var s = Parse(("appliance.conf", "[Watchdog]\nHealthCheck=memory\n"), ("d/10.conf", "[Check:memory]\nMinAvailableMiB=64\n"));

        Assert.Equal(64, Assert.IsType<MemorySettings>(Assert.Single(s.HealthChecks)).MinAvailableMiB);
    }

    [Fact]
    public void HealthCheck_EmptyValue_ClearsTheListSoFar()
    {
        var s = Parse(("a.conf", "[Watchdog]\nHealthCheck=fd\n"), ("b.conf", "[Watchdog]\nHealthCheck=\nHealthCheck=load\n"));

        Assert.Equal(["load"], s.HealthChecks.Select(h => h.Name));
    }

    [Fact]
    public void Command_QuotesAndBackslashes_GroupWithoutExpansion()
    {
        var c = Parse("[Watchdog]\nCheck=/bin/echo \"a b\" $HOME \"q\\\"x\" *\n").Checks[0];

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
