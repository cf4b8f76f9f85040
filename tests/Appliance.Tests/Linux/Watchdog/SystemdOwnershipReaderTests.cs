using Appliance.Cli;
using Appliance.Core.Watchdog;
using Appliance.Linux.Files;
using Appliance.Linux.Watchdog;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Watchdog;

/// <summary>systemd holding the hardware watchdog, read from fake trees under --root: each finding with a tree that shows it and one that does not.</summary>
public sealed class SystemdOwnershipReaderTests
{
    private static LinuxWatchdogPlatform Platform(TempDir root) =>
        new(root.Path, Path.Combine(RepoPaths.Root, "boards"), LinuxFileSteps.Instance, new FakeTimeProvider());

    [Fact]
    public void Read_StockDebianSystemConf_ApplianceOwns()
    {
        using var root = new TempDir();
        FakeTrees.AddSystemd(root);
        FakeTrees.AddPid1Fd(root, 0, "/dev/null");

        Assert.Equal(WatchdogOwnership.Appliance, SystemdOwnershipReader.Read(root.Path));
    }

    [Fact]
    public void Read_RuntimeWatchdogSecInAnEtcDropIn_SystemdOwnsNamingTheFileAndLine()
    {
        using var root = new TempDir();
        FakeTrees.AddSystemd(root);
        string dropIn = root.Write("etc/systemd/system.conf.d/60-watchdog.conf", "[Manager]\nRuntimeWatchdogSec=30s\n");

        var o = SystemdOwnershipReader.Read(root.Path);

        Assert.True(o.SystemdOwns);
        Assert.Equal($"RuntimeWatchdogSec=30s ({dropIn}:2)", o.Reason);
    }

    [Fact]
    public void Read_VendorDropInMaskedByDevNullInEtc_ApplianceOwns()
    {
        using var root = new TempDir();
        FakeTrees.AddSystemd(root);
        root.Write("usr/lib/systemd/system.conf.d/60-watchdog.conf", "[Manager]\nRuntimeWatchdogSec=1min\n");
        root.Subdirectory("etc/systemd/system.conf.d");
        File.CreateSymbolicLink(root.File("etc/systemd/system.conf.d/60-watchdog.conf"), "/dev/null");

        Assert.False(SystemdOwnershipReader.Read(root.Path).SystemdOwns);
    }

    [Fact]
    public void Read_RunDropInTurnsOnWhatTheMainFileTurnsOff_SystemdOwns()
    {
        using var root = new TempDir();
        FakeTrees.AddSystemd(root);
        root.Write("etc/systemd/system.conf", "[Manager]\nRuntimeWatchdogSec=off\n");
        root.Write("run/systemd/system.conf.d/50-wd.conf", "[Manager]\nRuntimeWatchdogSec=default\n");

        Assert.True(SystemdOwnershipReader.Read(root.Path).SystemdOwns);
    }

    [Fact]
    public void Read_KernelCommandLineOff_ApplianceOwnsDespiteTheConfig()
    {
        using var root = new TempDir();
        FakeTrees.AddSystemd(root);
        root.Write("etc/systemd/system.conf.d/60-watchdog.conf", "[Manager]\nRuntimeWatchdogSec=30s\n");
        root.Write("proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 ro systemd.watchdog_sec=off\n");

        Assert.False(SystemdOwnershipReader.Read(root.Path).SystemdOwns);
    }

    [Fact]
    public void Read_Pid1HasTheDeviceOpen_SystemdOwnsWithoutAnyConfig()
    {
        using var root = new TempDir();
        FakeTrees.AddSystemd(root);
        FakeTrees.AddPid1Fd(root, 0, "/dev/null");
        FakeTrees.AddPid1Fd(root, 27, "/dev/watchdog0");

        var o = SystemdOwnershipReader.Read(root.Path);

        Assert.True(o.SystemdOwns);
        Assert.Equal(["/dev/watchdog0"], o.HeldDevices);
    }

    [Fact]
    public void Reconcile_DeviceSystemdHolds_LeftAloneNotOpened()
    {
        using var root = new TempDir();
        FakeTrees.AddSystemd(root);
        FakeTrees.AddWatchdog(root, 0, "i6300ESB timer");
        FakeTrees.AddPid1Fd(root, 27, "/dev/watchdog0");

        var targets = Platform(root).ReconcileTargets(new WatchdogSettings { Board = "none" }, [], TextWriter.Null);

        Assert.Empty(targets);
    }

    [Fact]
    public void Reconcile_SystemdConfiguredButDeviceNotYetOpen_LeftToSystemd()
    {
        using var root = new TempDir();
        FakeTrees.AddSystemd(root);
        FakeTrees.AddWatchdog(root, 0, "i6300ESB timer");
        root.Write("etc/systemd/system.conf.d/60-watchdog.conf", "[Manager]\nRuntimeWatchdogSec=30s\n");

        var targets = Platform(root).ReconcileTargets(new WatchdogSettings { Board = "none" }, [], TextWriter.Null);

        Assert.Empty(targets);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reconcile_BoardDeviceNotThereYet_FailsOnlyWhenApplianceOwnsTheWatchdog(bool systemdOwns)
    {
        // Early boot on a QEMU PC: the daemon runs before udev has loaded i6300esb.
        using var root = new TempDir();
        FakeTrees.AddSystemd(root);
        root.Write("sys/class/dmi/id/sys_vendor", "QEMU\n");
        root.Write("sys/class/dmi/id/product_name", "Standard PC (i440FX + PIIX, 1996)\n");
        root.Subdirectory("sys/class/watchdog");
        root.Write("etc/systemd/system.conf.d/60-watchdog.conf", $"[Manager]\nRuntimeWatchdogSec={(systemdOwns ? "30s" : "off")}\n");

        var reconcile = () => Platform(root).ReconcileTargets(new WatchdogSettings(), [], TextWriter.Null);

        if (systemdOwns)
        {
            Assert.Empty(reconcile());
        }
        else
        {
            Assert.Contains("no watchdog with identity \"i6300ESB timer\"", Assert.Throws<WatchdogSelectionException>(reconcile).Message);
        }
    }

    [Fact]
    public void Reconcile_DeviceSystemdDoesNotHold_Opened()
    {
        using var root = new TempDir();
        FakeTrees.AddSystemd(root);
        FakeTrees.AddWatchdog(root, 0, "i6300ESB timer");
        FakeTrees.AddPid1Fd(root, 0, "/dev/null");

        var targets = Platform(root).ReconcileTargets(new WatchdogSettings { Board = "none" }, [], TextWriter.Null);

        var device = Assert.IsType<WatchdogDevice>(Assert.Single(targets));
        Assert.Equal(root.File("dev/watchdog0"), device.Name);
        device.Dispose();
    }

    [Fact]
    public void Run_SystemdHoldsTheWatchdogAndNoWatchdogSec_ExitsConfigSayingWhatToDo()
    {
        using var root = new TempDir();
        FakeTrees.AddBootId(root);
        FakeTrees.AddSystemd(root);
        FakeTrees.AddWatchdog(root, 0, "i6300ESB timer");
        string conf = root.Write("etc/systemd/system.conf", "[Manager]\nRuntimeWatchdogSec=30s\n");
        FakeTrees.AddPid1Fd(root, 27, "/dev/watchdog0");
        root.Write("etc/appliance/appliance.conf", "[Watchdog]\nBoard=none\n");

        var r = InProcessCli.Run("--root", root.Path, "watchdog", "run");

        Assert.Equal(ExitCodes.Config, r.ExitCode);
        Assert.Contains($"/dev/watchdog0: held by systemd (RuntimeWatchdogSec=30s ({conf}:2); PID 1 has /dev/watchdog0 open), and the daemon was started without systemd's WatchdogSec=", r.Stderr);
    }
}
