using Appliance.Core.Watchdog;
using Appliance.Linux.Files;
using Appliance.Linux.Watchdog;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Watchdog;

public sealed class WatchdogSysfsTests
{
    [Fact]
    public void Resolve_ByIdentity_FindsTheIndexWhateverItIs()
    {
        using var root = new TempDir();
        FakeTrees.AddWatchdog(root, 0, "Software Watchdog");
        FakeTrees.AddWatchdog(root, 1, "i6300ESB timer");

        var resolved = new WatchdogSysfs(root.Path).Resolve([DeviceSelector.ByIdentity("i6300ESB timer")]);

        Assert.Equal(("watchdog1", root.File("dev/watchdog1")), resolved.Single());
    }

    [Fact]
    public void Resolve_UnknownIdentity_ListsWhatIsThere()
    {
        using var root = new TempDir();
        FakeTrees.AddWatchdog(root, 0, "Software Watchdog");

        var e = Assert.Throws<WatchdogSelectionException>(() => new WatchdogSysfs(root.Path).Resolve([DeviceSelector.ByIdentity("iTCO_wdt")]));

        Assert.Contains("no watchdog with identity \"iTCO_wdt\"; present: watchdog0 \"Software Watchdog\"", e.Message);
    }

    [Theory]
    [InlineData("/dev/watchdog", "watchdog0")]
    [InlineData("/dev/watchdog3", "watchdog3")]
    [InlineData("/dev/null", null)]
    public void NameForPath_LegacyNode_IsWatchdogZero(string path, string? name)
    {
        Assert.Equal(name, WatchdogSysfs.NameForPath(path));
    }

    [Fact]
    public void Info_FakeDevice_DecodesOptionsAndBootstatus()
    {
        using var root = new TempDir();
        FakeTrees.AddWatchdog(root, 0, "i6300ESB timer", bootstatus: 32, nowayout: true, options: 0x8180);

        var info = new WatchdogSysfs(root.Path).Info("watchdog0");

        Assert.Equal("i6300ESB timer", info.Identity);
        Assert.Equal(["SETTIMEOUT", "MAGICCLOSE", "KEEPALIVEPING"], info.OptionNames);
        Assert.Equal(["watchdog reset"], info.BootStatusDecoded);
        Assert.True(info.Nowayout);
        Assert.Equal(30, info.TimeoutSeconds);
        Assert.Null(info.TimeleftSeconds);
    }

    [Fact]
    public void Info_HrtimerPretimeout_SaysHowFromTheVisibleSysfsFile()
    {
        using var root = new TempDir();
        FakeTrees.AddWatchdog(root, 0, "i6300ESB timer", options: 0x8180);
        FakeTrees.AddPretimeout(root, 0, "noop panic");
        FakeTrees.AddWatchdog(root, 1, "Software Watchdog", options: 0x8180);

        var sysfs = new WatchdogSysfs(root.Path);

        Assert.Equal("hrtimer", sysfs.Info("watchdog0").PretimeoutSupport);
        Assert.Equal("no", sysfs.Info("watchdog1").PretimeoutSupport);
    }

    [Fact]
    public void PretimeoutFindings_GovernorModuleNotLoaded_NamesTheModule()
    {
        using var root = new TempDir();
        FakeTrees.AddWatchdog(root, 0, "i6300ESB timer");
        FakeTrees.AddPretimeout(root, 0, "noop");

        var finding = Assert.Single(new WatchdogSysfs(root.Path).PretimeoutFindings(new WatchdogSettings { PretimeoutSeconds = 5 }));

        Assert.Contains("/dev/watchdog0 (i6300ESB timer)", finding);
        Assert.Contains("modprobe pretimeout_panic", finding);
    }

    [Fact]
    public void PretimeoutFindings_ConfiguredDeviceWithoutPretimeout_Warns()
    {
        using var root = new TempDir();
        FakeTrees.AddWatchdog(root, 0, "i6300ESB timer");
        FakeTrees.AddPretimeout(root, 0, "noop panic");
        FakeTrees.AddWatchdog(root, 1, "Software Watchdog");

        var settings = new WatchdogSettings { PretimeoutSeconds = 5, Devices = [DeviceSelector.ByIdentity("Software Watchdog")] };
        var finding = Assert.Single(new WatchdogSysfs(root.Path).PretimeoutFindings(settings));

        Assert.Contains("/dev/watchdog1 (Software Watchdog): Pretimeout=5 is configured but the watchdog has none", finding);
    }

    [Fact]
    public void PretimeoutFindings_NoPretimeoutConfigured_Nothing()
    {
        using var root = new TempDir();
        FakeTrees.AddWatchdog(root, 0, "Software Watchdog");

        Assert.Empty(new WatchdogSysfs(root.Path).PretimeoutFindings(new WatchdogSettings()));
    }

    [Fact]
    public void Names_AreInIndexOrderNotTextOrder()
    {
        using var root = new TempDir();
        FakeTrees.AddWatchdog(root, 10, "b");
        FakeTrees.AddWatchdog(root, 2, "a");

        Assert.Equal(["watchdog2", "watchdog10"], new WatchdogSysfs(root.Path).Names());
    }
}

public sealed class WatchdogDeviceTests
{
    [Fact]
    public void Open_Missing_SaysToLoadADriver()
    {
        using var root = new TempDir();

        var e = Assert.Throws<FileProblemException>(() => WatchdogDevice.Open(root.File("dev/watchdog0"), "watchdog0", new WatchdogSysfs(root.Path)));

        Assert.Equal(FileProblemKind.Missing, e.Kind);
        Assert.Contains("modprobe softdog", e.Message);
    }

    [Fact]
    public void Open_NodeWithoutIoctls_PetsByWriteAndRecordsSysfsBootstatus()
    {
        using var root = new TempDir();
        FakeTrees.AddWatchdog(root, 0, "Software Watchdog", bootstatus: 0x20);

        using var device = WatchdogDevice.Open(root.File("dev/watchdog0"), "watchdog0", new WatchdogSysfs(root.Path));
        device.Pet();
        device.Pet();

        Assert.Null(device.Options);
        Assert.Equal("Software Watchdog", device.Identity);
        Assert.Equal(["watchdog reset"], device.ResetCause!.Causes);
        Assert.Equal(32u, device.ResetCause.SysfsBootStatus);
        Assert.Equal(new byte[] { 0, 0 }, File.ReadAllBytes(root.File("dev/watchdog0")));
    }

    [Fact]
    public void Release_NotDisarming_WritesNoMagicCharacter()
    {
        using var root = new TempDir();
        FakeTrees.AddWatchdog(root, 0, "Software Watchdog");
        var device = WatchdogDevice.Open(root.File("dev/watchdog0"), "watchdog0", new WatchdogSysfs(root.Path));
        device.Pet();

        device.Release(disarm: false);

        Assert.DoesNotContain((byte)'V', File.ReadAllBytes(root.File("dev/watchdog0")));
    }

    [Fact]
    public void Release_DisarmingWithNowayoutOff_WritesVLast()
    {
        using var root = new TempDir();
        FakeTrees.AddWatchdog(root, 0, "Software Watchdog", nowayout: false);
        var device = WatchdogDevice.Open(root.File("dev/watchdog0"), "watchdog0", new WatchdogSysfs(root.Path));
        device.Pet();

        string what = device.Release(disarm: true);

        Assert.Equal((byte)'V', File.ReadAllBytes(root.File("dev/watchdog0"))[^1]);
        Assert.Contains("disarmed", what);
    }

    [Fact]
    public void Release_DisarmingWithNowayout_RefusesMagicClose()
    {
        using var root = new TempDir();
        FakeTrees.AddWatchdog(root, 0, "Software Watchdog", nowayout: true);
        var device = WatchdogDevice.Open(root.File("dev/watchdog0"), "watchdog0", new WatchdogSysfs(root.Path));

        string what = device.Release(disarm: true);

        Assert.Empty(File.ReadAllBytes(root.File("dev/watchdog0")));
        Assert.Contains("nowayout", what);
    }
}

public sealed class ProbeTests
{
    [Fact]
    public void TemperatureProbe_HwmonAndThermalZones_AreRead()
    {
        using var root = new TempDir();
        root.Write("sys/class/hwmon/hwmon0/name", "coretemp\n");
        root.Write("sys/class/hwmon/hwmon0/temp1_input", "45000\n");
        root.Write("sys/class/hwmon/hwmon0/temp1_crit", "100000\n");
        root.Write("sys/class/hwmon/hwmon0/temp1_label", "Package id 0\n");
        root.Write("sys/class/thermal/thermal_zone0/type", "acpitz\n");
        root.Write("sys/class/thermal/thermal_zone0/temp", "99000\n");
        root.Write("sys/class/thermal/thermal_zone0/trip_point_0_type", "passive\n");
        root.Write("sys/class/thermal/thermal_zone0/trip_point_0_temp", "90000\n");
        root.Write("sys/class/thermal/thermal_zone0/trip_point_1_type", "critical\n");
        root.Write("sys/class/thermal/thermal_zone0/trip_point_1_temp", "98000\n");

        var probe = new TemperatureProbe(root.Path, null);
        var readings = probe.Read();
        var outcome = probe.Evaluate(CheckContexts.For(root.Path));

        Assert.Equal([new("coretemp/Package id 0", 45000, 100000), new("thermal_zone0/acpitz", 99000, 98000)], readings);
        Assert.Equal(Appliance.Core.Health.CheckResult.Fail, outcome.Result);
    }

    [Fact]
    public void EdacProbe_BurstBetweenRuns_Fails()
    {
        using var root = new TempDir();
        root.Write("sys/devices/system/edac/mc/mc0/ce_count", "7\n");
        var probe = new EdacProbe(root.Path, 10);
        Assert.Equal(Appliance.Core.Health.CheckResult.Pass, probe.Evaluate(CheckContexts.For(root.Path)).Result);

        root.Write("sys/devices/system/edac/mc/mc0/ce_count", "30\n");

        Assert.Equal(Appliance.Core.Health.CheckResult.Fail, probe.Evaluate(CheckContexts.For(root.Path)).Result);
    }

    /// <summary>One checker shape: what the daemon schedules are the validator's IHealthCheck; programs and bus reads get a thread each.</summary>
    [Fact]
    public void CreateChecks_EveryKind_OneShapeProgramsAndBusReadsMayBlock()
    {
        var settings = new WatchdogSettings
        {
            Checks = [new CommandSpec("/bin/true", [])],
            HealthChecks = [new Appliance.Core.Health.I2cTemperatureSettings("board-temp", Bus: 1, MaxCelsius: 70)],
        };

        var checks = new LinuxWatchdogPlatform("/", "/nonexistent", Appliance.Linux.Files.LinuxFileSteps.Instance, TimeProvider.System).CreateChecks(settings);

        Assert.Equal(
            [("temperature", false), ("edac", false), ("fds", false), ("/bin/true", true), ("board-temp", true)],
            checks.Select(c => (c.Name, c.MayBlock)));
    }

    /// <summary>The daemon's fds probe as the platform builds it: the validator's fd check on the probes' shared thread.</summary>
    private static Appliance.Linux.Health.IHealthCheck FdProbe(string root)
    {
        var probe = Assert.Single(new LinuxWatchdogPlatform(root, "/nonexistent", Appliance.Linux.Files.LinuxFileSteps.Instance, TimeProvider.System)
            .CreateChecks(new WatchdogSettings { BuiltinChecks = [BuiltinChecks.FileDescriptors] }));
        Assert.False(probe.MayBlock);
        Assert.Equal("fds", probe.Name);
        return probe;
    }

    [Fact]
    public void FileNrProbe_Missing_IsAnError()
    {
        using var root = new TempDir();

        Assert.Equal(Appliance.Core.Health.CheckResult.Error, FdProbe(root.Path).Evaluate(CheckContexts.For(root.Path)).Result);
    }

    [Fact]
    public void FileNrProbe_RealProc_Passes()
    {
        Assert.Equal(Appliance.Core.Health.CheckResult.Pass, FdProbe("/").Evaluate(CheckContexts.For("/")).Result);
    }

    [Fact]
    public void ReadMachine_DmiAndDeviceTree_AreReadUnderRoot()
    {
        using var root = new TempDir();
        root.Write("sys/class/dmi/id/product_name", "Standard PC (i440FX + PIIX, 1996)\n");
        root.Write("sys/class/dmi/id/sys_vendor", "QEMU\n");
        root.Write("proc/device-tree/compatible", "raspberrypi,4-model-b\0brcm,bcm2711\0");

        var machine = BoardProfiles.ReadMachine(root.Path);

        Assert.Equal("QEMU", machine.DmiSysVendor);
        Assert.Equal(["raspberrypi,4-model-b", "brcm,bcm2711"], machine.Compatible);
    }
}
