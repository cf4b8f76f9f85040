using System.Text.Json;
using Appliance.Cli;
using Appliance.Core.Json;
using Appliance.Core.Watchdog;
using Appliance.Linux.Files;
using Appliance.Linux.Watchdog;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Watchdog;

public sealed class LinuxWatchdogPlatformTests
{
    private static LinuxWatchdogPlatform Platform(TempDir root) =>
        new(root.Path, Path.Combine(RepoPaths.Root, "boards"), LinuxFileSteps.Instance, new FakeTimeProvider());

    [Fact]
    public void Reconcile_AutoBoardOnQemu_OpensTheI6300esbByIdentity()
    {
        using var root = new TempDir();
        root.Write("sys/class/dmi/id/sys_vendor", "QEMU\n");
        root.Write("sys/class/dmi/id/product_name", "Standard PC (i440FX + PIIX, 1996)\n");
        FakeTrees.AddWatchdog(root, 0, "Software Watchdog");
        FakeTrees.AddWatchdog(root, 1, "i6300ESB timer", bootstatus: 32);
        var platform = Platform(root);

        var targets = platform.ReconcileTargets(new WatchdogSettings(), [], TextWriter.Null);

        Assert.Equal("qemu-x86_64", platform.BoardName);
        var device = Assert.IsType<WatchdogDevice>(targets.Single());
        Assert.Equal(root.File("dev/watchdog1"), device.Name);
        Assert.Equal(["watchdog reset"], device.ResetCause!.Causes);
        device.Dispose();
    }

    [Fact]
    public void Reconcile_LegacyAndNumberedNode_OpensOnce()
    {
        using var root = new TempDir();
        FakeTrees.AddWatchdog(root, 0, "Software Watchdog");
        root.Write("dev/watchdog", "");

        var targets = Platform(root).ReconcileTargets(new WatchdogSettings { Board = "none", Devices = [DeviceSelector.ByPath("/dev/watchdog"), DeviceSelector.ByPath("/dev/watchdog0")] }, [], TextWriter.Null);

        Assert.Single(targets);
        targets[0].Dispose();
    }

    [Fact]
    public void Reconcile_DeviceDroppedButNotDisarmable_IsKeptAndStillPetted()
    {
        using var root = new TempDir();
        FakeTrees.AddWatchdog(root, 0, "Software Watchdog");
        FakeTrees.AddWatchdog(root, 1, "i6300ESB timer");
        var platform = Platform(root);
        var log = new StringWriter();
        var first = platform.ReconcileTargets(new WatchdogSettings { Board = "none", Devices = [DeviceSelector.ByPath("/dev/watchdog0"), DeviceSelector.ByPath("/dev/watchdog1")] }, [], log);

        var second = platform.ReconcileTargets(new WatchdogSettings { Board = "none", Devices = [DeviceSelector.ByPath("/dev/watchdog1")] }, first, log);

        Assert.Equal(2, second.Count);
        Assert.Contains("cannot be disarmed", log.ToString());
        foreach (var t in second)
        {
            t.Dispose();
        }
    }

    [Fact]
    public void ReleaseStartupMemory_ThisProcess_UnmapsCleanFilePages()
    {
        // The real /proc/self of the test host, whose runtime and assemblies are mapped files.
        var platform = new LinuxWatchdogPlatform("/", Path.Combine(RepoPaths.Root, "boards"), LinuxFileSteps.Instance, new FakeTimeProvider());
        long before = RssFileKb();
        var log = new StringWriter();

        platform.ReleaseStartupMemory(new WatchdogSettings { LockMemory = false }, log);

        long after = RssFileKb();
        Assert.True(after < before * 85 / 100, $"RssFile {before} kB before, {after} kB after; log: {log}");
        Assert.Equal("", log.ToString());
    }

    [Fact]
    public void Reconcile_UnknownBoardName_ListsTheProfiles()
    {
        using var root = new TempDir();

        var e = Assert.Throws<FileProblemException>(() => Platform(root).ReconcileTargets(new WatchdogSettings { Board = "pi5" }, [], TextWriter.Null));

        Assert.Contains("no board profile 'pi5'", e.Message);
        Assert.Contains("raspberrypi4", e.Message);
    }

    [Fact]
    public void ShowStatus_SysfsLed_UsesTimerTriggerForBlinkAndBrightnessForSteady()
    {
        using var root = new TempDir();
        root.Write("sys/class/leds/ACT/trigger", "");
        root.Write("sys/class/leds/ACT/brightness", "0");
        root.Write("sys/class/leds/ACT/delay_on", "");
        root.Write("sys/class/leds/ACT/delay_off", "");
        root.Write("proc/device-tree/compatible", "raspberrypi,4-model-b\0brcm,bcm2711\0");
        FakeTrees.AddWatchdog(root, 0, "Broadcom BCM2835 Watchdog timer");
        var platform = Platform(root);
        var targets = platform.ReconcileTargets(new WatchdogSettings(), [], TextWriter.Null);

        platform.ShowStatus(StatusLedState.Trial);
        string trigger = File.ReadAllText(root.File("sys/class/leds/ACT/trigger"));
        string delay = File.ReadAllText(root.File("sys/class/leds/ACT/delay_on"));
        platform.ShowStatus(StatusLedState.Healthy);

        Assert.Equal(("timer", "100"), (trigger, delay));
        Assert.Equal("none", File.ReadAllText(root.File("sys/class/leds/ACT/trigger")));
        Assert.Equal("1", File.ReadAllText(root.File("sys/class/leds/ACT/brightness")));
        targets[0].Dispose();
    }

    /// <summary>proc(5) /proc/self/status "RssFile:   40484 kB".</summary>
    private static long RssFileKb() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("RssFile:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class WatchdogCliTests
{
    [Fact]
    public void Info_Json_ListsEachDeviceDecoded()
    {
        using var root = new TempDir();
        FakeTrees.AddWatchdog(root, 0, "i6300ESB timer", bootstatus: 32, options: 0x8180);

        var r = InProcessCli.Run("--root", root.Path, "watchdog", "info", "--json");

        Assert.Equal(ExitCodes.Ok, r.ExitCode);
        Assert.StartsWith("{\"watchdogs\":[{", r.Stdout);
        var devices = JsonSerializer.Deserialize(r.Stdout, ApplianceJsonContext.Default.WatchdogInfoReport)!.Watchdogs;
        Assert.Equal("/dev/watchdog0", devices.Single().Path);
        Assert.Equal(["watchdog reset"], devices.Single().BootStatusDecoded);
        Assert.Equal(["SETTIMEOUT", "MAGICCLOSE", "KEEPALIVEPING"], devices.Single().OptionNames);
    }

    [Fact]
    public void Info_JsonNoDevices_EmptyObjectNotFound()
    {
        using var root = new TempDir();

        var r = InProcessCli.Run("--root", root.Path, "watchdog", "info", "--json");

        Assert.Equal(ExitCodes.NotFound, r.ExitCode);
        Assert.Equal("{\"watchdogs\":[]}\n", r.Stdout);
    }

    [Fact]
    public void Info_Text_ShowsIdentityTimeoutAndBootstatus()
    {
        using var root = new TempDir();
        FakeTrees.AddWatchdog(root, 0, "Software Watchdog", bootstatus: 0);

        var r = InProcessCli.Run("--root", root.Path, "watchdog", "info");

        Assert.Contains("  identity:    Software Watchdog\n", r.Stdout);
        Assert.Contains("  timeout:     30 s\n", r.Stdout);
        Assert.Contains("  bootstatus:  0x0 (power-on or unknown)\n", r.Stdout);
    }

    [Fact]
    public void Info_NoDevices_SaysHowToGetOne()
    {
        using var root = new TempDir();

        var r = InProcessCli.Run("--root", root.Path, "watchdog", "info");

        Assert.Equal(ExitCodes.NotFound, r.ExitCode);
        Assert.Contains("modprobe softdog", r.Stderr);
    }

    [Theory]
    [InlineData(0L, null, "late pets: none", "hardware watchdog: not held by systemd")]
    [InlineData(3L, "RuntimeWatchdogSec=30s (/etc/systemd/system.conf:2)", "late pets: 3 (more than half an interval after they were due); the largest 1830 ms late", "hardware watchdog: held by systemd (RuntimeWatchdogSec=30s (/etc/systemd/system.conf:2)); the daemon gates systemd's service watchdog")]
    public void Status_DaemonState_ShowsLatePetsAndWhoHoldsTheWatchdog(long late, string? systemd, string lateLine, string ownerLine)
    {
        using var root = new TempDir();
        FakeTrees.AddBootId(root);
        new WatchdogFiles(root.Path, LinuxFileSteps.Instance).WriteState(new WatchdogDaemonState
        {
            Pid = 1,
            BootId = FakeTrees.BootId,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            Pets = 10,
            IntervalMs = 1000,
            LatePets = late,
            LargestLatenessMs = late == 0 ? 0 : 1830,
            SystemdHoldsWatchdog = systemd,
            Gate = "healthy",
            Healthy = true,
        });

        var r = InProcessCli.Run("--root", root.Path, "watchdog", "status");
        var json = InProcessCli.Run("--root", root.Path, "watchdog", "status", "--json");

        Assert.Contains(lateLine, r.Stdout);
        Assert.Contains(ownerLine, r.Stdout);
        var daemon = JsonSerializer.Deserialize(json.Stdout, ApplianceJsonContext.Default.WatchdogStatusReport)!.Daemon!;
        Assert.Equal((late, systemd), (daemon.LatePets, daemon.SystemdHoldsWatchdog));
    }

    [Fact]
    public void Status_AfterAStop_ShowsResetCauseAndStopReason()
    {
        using var root = new TempDir();
        FakeTrees.AddBootId(root);
        var files = new WatchdogFiles(root.Path, LinuxFileSteps.Instance);
        files.WriteResetCause(new ResetCauseRecord { BootId = FakeTrees.BootId, RecordedAt = DateTimeOffset.UnixEpoch, Cause = "watchdog reset", Devices = [] });
        files.WriteLastStop(new LastStopRecord { BootId = "old", StoppedAt = DateTimeOffset.UnixEpoch, Reason = "still unhealthy after the repair hook: disk: failed" });

        var r = InProcessCli.Run("--root", root.Path, "watchdog", "status");
        var json = InProcessCli.Run("--root", root.Path, "watchdog", "status", "--json");

        Assert.Contains("daemon: not running", r.Stdout);
        Assert.Contains("last reset: watchdog reset", r.Stdout);
        Assert.Contains("last deliberate stop: 1970-01-01 00:00:00Z, boot old: still unhealthy after the repair hook", r.Stdout);
        var report = JsonSerializer.Deserialize(json.Stdout, ApplianceJsonContext.Default.WatchdogStatusReport)!;
        Assert.False(report.Running);
        Assert.Equal("watchdog reset", report.ResetCause!.Cause);
    }

    [Fact]
    public void Run_BadConfig_ExitsConfigNamingFileAndLine()
    {
        using var root = new TempDir();
        FakeTrees.AddBootId(root);
        string config = root.Write("etc/appliance/appliance.conf", "[Watchdog]\nInterval=1s\nGrace=soon\n");

        var r = InProcessCli.Run("--root", root.Path, "watchdog", "run");

        Assert.Equal(ExitCodes.Config, r.ExitCode);
        Assert.Contains($"{config}:3: invalid value 'soon' for Grace in [Watchdog]: expected a time span", r.Stderr);
    }

    [Fact]
    public void Run_MissingDevice_ExitsNoInputSayingToLoadADriver()
    {
        using var root = new TempDir();
        FakeTrees.AddBootId(root);
        root.Write("etc/appliance/appliance.conf", "[Watchdog]\nBoard=none\nDevice=/dev/watchdog0\n");

        var r = InProcessCli.Run("--root", root.Path, "watchdog", "run");

        Assert.Equal(ExitCodes.NoInput, r.ExitCode);
        Assert.Contains("modprobe softdog", r.Stderr);
    }

    [Fact]
    public void Run_HealthCheckNamesNoSection_ExitsConfigNamingFileAndLine()
    {
        using var root = new TempDir();
        FakeTrees.AddBootId(root);
        string config = root.Write("etc/appliance/appliance.conf", "[Check:board-temp]\nType=i2c-temperature\nBus=1\nMaxCelsius=70\n[Watchdog]\nBoard=none\nHealthCheck=board-tmp\n");

        var r = InProcessCli.Run("--root", root.Path, "watchdog", "run");

        Assert.Equal(ExitCodes.Config, r.ExitCode);
        Assert.Contains($"{config}:7: invalid value 'board-tmp' for HealthCheck in [Watchdog]: no [Check:board-tmp] section in appliance.conf or its drop-ins (did you mean 'board-temp'?)", r.Stderr);
    }

    /// <summary>
    /// The shipped binary on a machine without libgpiod2: libgpiod.so.2 is hidden by a bind mount
    /// of /dev/null in a private mount namespace, so the loader finds a file it cannot load.
    /// </summary>
    [Fact]
    public void Run_GpioWatchdogWithoutLibgpiod_Exits69NamingThePackage()
    {
        Appliance.Tests.Packaging.Tools.RequireRoot("a private mount namespace (unshare -m)");
        string unshare = Appliance.Tests.Packaging.Tools.Require("unshare", "util-linux");
        const string Library = "/usr/lib/x86_64-linux-gnu/libgpiod.so.2";
        Assert.True(File.Exists(Library), $"{Library} is missing: install libgpiod2 (make deps)");
        using var root = new TempDir();
        FakeTrees.AddBootId(root);
        root.Write("dev/gpiochip0", "");
        root.Write("etc/appliance/appliance.conf", "[Watchdog]\nBoard=none\nGpioChip=/dev/gpiochip0\nGpioLine=3\n");

        var r = ProcessRunner.Run(unshare, "--mount", "--propagation", "private", "/bin/sh", "-c",
            "mount --bind /dev/null \"$(readlink -f \"$1\")\" && exec \"$2\" --root \"$3\" watchdog run", "sh", Library, ApplianceBinary.Program, root.Path);

        Assert.True(r.ExitCode == 69, r.ToString());
        Assert.Contains("/dev/gpiochip0: GPIO lines are driven through libgpiod.so.2, which is not installed; install the libgpiod2 package (apt install libgpiod2)", r.Stderr);
    }

}
