using Appliance.Core.Watchdog;

namespace Appliance.Tests.Core.Watchdog;

public sealed class SystemdRuntimeWatchdogTests
{
    [Theory]
    [InlineData("30s", true, 30.0)]
    [InlineData("30", true, 30.0)]
    [InlineData("1min", true, 60.0)]
    [InlineData("1min 30s", true, 90.0)]
    [InlineData("2m", true, 120.0)]
    [InlineData("500ms", true, 0.5)]
    [InlineData("1h", true, 3600.0)]
    [InlineData("0", false, 0.0)]
    [InlineData("0s", false, 0.0)]
    public void Parse_TimeSpans_AsParseSecReadsThem(string value, bool enabled, double seconds)
    {
        var parsed = SystemdRuntimeWatchdog.Parse(value, "f:1");

        Assert.NotNull(parsed);
        Assert.Equal(enabled, parsed.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(seconds), parsed.Timeout);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("infinity")]
    public void Parse_DefaultOrInfinity_EnabledWithTheDriversTimeout(string value)
    {
        var parsed = SystemdRuntimeWatchdog.Parse(value, "f:1")!;

        Assert.True(parsed.Enabled);
        Assert.Null(parsed.Timeout);
    }

    [Fact]
    public void Parse_Off_Disabled() => Assert.False(SystemdRuntimeWatchdog.Parse("off", "f:1")!.Enabled);

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("30 parsecs")]
    [InlineData("yes")]
    public void Parse_WhatParseSecRefuses_Null(string value) => Assert.Null(SystemdRuntimeWatchdog.Parse(value, "f:1"));

    [Fact]
    public void Read_NothingSet_Off()
    {
        var w = SystemdRuntimeWatchdog.Read([("/etc/systemd/system.conf", "[Manager]\n#RuntimeWatchdogSec=off\n#RebootWatchdogSec=10min\n")], null);

        Assert.False(w.Enabled);
        Assert.Null(w.Source);
    }

    [Fact]
    public void Read_DropInAfterMain_LaterWins()
    {
        var w = SystemdRuntimeWatchdog.Read(
            [
                ("/etc/systemd/system.conf", "[Manager]\nRuntimeWatchdogSec=off\n"),
                ("/usr/lib/systemd/system.conf.d/10-vendor.conf", "[Manager]\nRuntimeWatchdogSec=1min\n"),
                ("/etc/systemd/system.conf.d/60-watchdog.conf", "# ours\n[Manager]\nRuntimeWatchdogSec=30s\n"),
            ],
            null);

        Assert.True(w.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(30), w.Timeout);
        Assert.Equal("RuntimeWatchdogSec=30s (/etc/systemd/system.conf.d/60-watchdog.conf:3)", w.Describe());
    }

    [Fact]
    public void Read_LaterFileTurnsItOff_Off()
    {
        var w = SystemdRuntimeWatchdog.Read([("/etc/systemd/system.conf", "[Manager]\nRuntimeWatchdogSec=30s\n"), ("/etc/systemd/system.conf.d/90-off.conf", "[Manager]\nRuntimeWatchdogSec=0\n")], null);

        Assert.False(w.Enabled);
    }

    [Fact]
    public void Read_InvalidValueOrOtherSection_KeepsWhatCameBefore()
    {
        var w = SystemdRuntimeWatchdog.Read([("/etc/systemd/system.conf", "[Manager]\nRuntimeWatchdogSec=20s\n"), ("/etc/systemd/system.conf.d/a.conf", "[Manager]\nRuntimeWatchdogSec=soon\n[Other]\nRuntimeWatchdogSec=off\n")], null);

        Assert.Equal(TimeSpan.FromSeconds(20), w.Timeout);
    }

    [Theory]
    [InlineData("BOOT_IMAGE=/vmlinuz ro systemd.watchdog_sec=off quiet", false)]
    [InlineData("ro systemd.watchdog-sec=off", false)]
    [InlineData("ro systemd.watchdog_sec=45", true)]
    public void Read_KernelCommandLine_BeatsTheFiles(string cmdline, bool enabled)
    {
        var w = SystemdRuntimeWatchdog.Read([("/etc/systemd/system.conf", "[Manager]\nRuntimeWatchdogSec=30s\n")], cmdline);

        Assert.Equal(enabled, w.Enabled);
        Assert.StartsWith("the kernel command line", w.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WatchdogDevice_Named()
    {
        var w = SystemdRuntimeWatchdog.Read([("/etc/systemd/system.conf", "[Manager]\nRuntimeWatchdogSec=30s\nWatchdogDevice=/dev/watchdog1\n")], null);

        Assert.Equal("/dev/watchdog1", w.Device);
    }

    [Fact]
    public void DropInOrder_SortedByNameAcrossDirectories_EtcHidesTheSameNameBelow()
    {
        var order = SystemdRuntimeWatchdog.DropInOrder(
            [
                ("/etc/systemd/system.conf.d", ["60-watchdog.conf", "README"]),
                ("/run/systemd/system.conf.d", ["50-run.conf"]),
                ("/usr/local/lib/systemd/system.conf.d", []),
                ("/usr/lib/systemd/system.conf.d", ["60-watchdog.conf", "10-vendor.conf", "99-late.conf"]),
            ]);

        Assert.Equal(
            ["/usr/lib/systemd/system.conf.d/10-vendor.conf", "/run/systemd/system.conf.d/50-run.conf", "/etc/systemd/system.conf.d/60-watchdog.conf", "/usr/lib/systemd/system.conf.d/99-late.conf"],
            order);
    }
}
