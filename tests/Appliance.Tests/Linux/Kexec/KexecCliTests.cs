using System.Text.Json;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Kexec;

/// <summary>
/// The kexec and reboot commands in-process on fake trees. None of these reaches a system
/// call: plans are dry runs, and a real load or reboot is refused because the root is not /.
/// </summary>
public sealed class KexecCliTests : IDisposable
{
    private readonly KexecTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private CliResult Run(params string[] args) => InProcessCli.Run(["--root", _tree.Root, .. args]);

    [Fact]
    public void KexecArm_DryRun_PrintsThePlanAndLoadsNothing()
    {
        var result = Run("kexec", "arm", "--dry-run");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("would arm: good\n", result.Stdout);
        Assert.Contains($"kernel: {Path.Join(_tree.Root, "boot/vmlinuz")}\n", result.Stdout);
        Assert.Contains("cmdline: BOOT_IMAGE=/boot/vmlinuz console=ttyS0,115200 root=/dev/vda1 appliance.entry=good nr_cpus=1 irqpoll reset_devices panic=10 appliance.rescue=1 appliance.memmap=", result.Stdout);
        Assert.False(File.Exists(Path.Join(_tree.Root, "var/lib/appliance/kexec/armed.json")));
    }

    [Fact]
    public void KexecArm_NoReservation_ExitsConfigWithTheFix()
    {
        using var tree = new KexecTree(reservedBytes: 0);

        var result = InProcessCli.Run("--root", tree.Root, "kexec", "arm");

        Assert.Equal(78, result.ExitCode);
        Assert.StartsWith("appliance: no memory is reserved for a crash kernel", result.Stderr);
        Assert.Contains("add crashkernel=256M to GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub", result.Stderr);
    }

    [Fact]
    public void KexecArm_OnAFakeRoot_IsRefusedAsUsage()
    {
        var result = Run("kexec", "arm", "trial");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("is not the running system", result.Stderr);
        Assert.False(File.Exists(Path.Join(_tree.Root, "var/lib/appliance/kexec/armed.json")));
    }

    [Fact]
    public void KexecArm_UnknownEntry_ExitsDataError()
    {
        var result = Run("kexec", "arm", "--dry-run", "nope");

        Assert.Equal(65, result.ExitCode);
        Assert.Contains("'nope' is not a menu entry", result.Stderr);
    }

    [Fact]
    public void KexecArm_MissingKernel_ExitsNoInput()
    {
        Assert.Equal(66, Run("kexec", "arm", "--dry-run", "missing").ExitCode);
    }

    [Fact]
    public void KexecDisarm_OnAFakeRoot_IsRefusedAsUsage()
    {
        Assert.Equal(64, Run("kexec", "disarm").ExitCode);
    }

    [Fact]
    public void KexecStatus_Json_HasReservationAndLoadFlags()
    {
        var result = Run("kexec", "status", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(256L << 20, json.RootElement.GetProperty("reserved_bytes").GetInt64());
        Assert.Equal("256M", json.RootElement.GetProperty("crashkernel").GetString());
        Assert.False(json.RootElement.GetProperty("crash_loaded").GetBoolean());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("armed").ValueKind);
    }

    [Fact]
    public void KexecStatus_Text_SaysNotArmed()
    {
        var result = Run("kexec", "status");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("reservation: 256M (crashkernel=256M)\n", result.Stdout);
        Assert.Contains("crash kernel loaded: no\n", result.Stdout);
        Assert.Contains("armed: no\n", result.Stdout);
    }

    [Fact]
    public void Reboot_OnAFakeRoot_IsRefusedBeforeRebooting()
    {
        var result = Run("reboot");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("reboot restarts the running machine", result.Stderr);
    }

    [Fact]
    public void Reboot_EntryWithoutKexec_IsAUsageError()
    {
        var result = Run("reboot", "--dry-run", "trial");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("only used with --kexec", result.Stderr);
    }

    [Fact]
    public void RebootKexec_DryRun_PlansKnownGoodAsGrubWouldBootIt()
    {
        var result = Run("reboot", "--kexec", "--dry-run");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("would kexec: good\n", result.Stdout);
        Assert.Contains("cmdline: BOOT_IMAGE=/boot/vmlinuz console=ttyS0,115200 root=/dev/vda1 crashkernel=256M panic=1 appliance.entry=good\n", result.Stdout);
    }

    [Fact]
    public void RebootKexec_OnAFakeRoot_IsRefusedBeforeLoading()
    {
        Assert.Equal(64, Run("reboot", "--kexec", "trial").ExitCode);
        Assert.Equal("0", _tree.Read("sys/kernel/kexec_loaded").Trim());
    }

    [Fact]
    public void PanicPolicy_ApplyThenRestore_RoundTripsThroughTheCli()
    {
        _tree.Dir.Write("proc/sys/kernel/panic", "0\n");
        _tree.Dir.Write("proc/sys/kernel/panic_on_oops", "0\n");

        var apply = Run("kexec", "panic-policy", "apply", "--panic", "3");
        Assert.Equal(0, apply.ExitCode);
        Assert.Contains("set: kernel.panic=3\nset: kernel.panic_on_oops=1\n", apply.Stdout);
        Assert.Contains("kernel.softlockup_panic: not offered", apply.Stderr);
        Assert.Equal("3", _tree.Read("proc/sys/kernel/panic").Trim());

        var restore = Run("kexec", "panic-policy", "restore");
        Assert.Equal(0, restore.ExitCode);
        Assert.Equal("0", _tree.Read("proc/sys/kernel/panic").Trim());
    }

    [Fact]
    public void PanicPolicy_NegativeTimeout_IsAUsageError()
    {
        Assert.Equal(64, Run("kexec", "panic-policy", "apply", "--panic", "-1").ExitCode);
    }

    [Fact]
    public void Forensics_NothingToFind_ExitsOne()
    {
        var result = Run("kexec", "forensics");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no crash report found", result.Stderr);
    }

    [Fact]
    public void Forensics_PstoreRecord_SavesPrintsAndReleases()
    {
        string record = _tree.Dir.Write("sys/fs/pstore/dmesg-ramoops-0", "Panic#1 Part1\n<0>[ 7.1] Kernel panic - not syncing: sysrq triggered crash\n");

        var result = Run("kexec", "forensics", "--release");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"saved: {Path.Join(_tree.Root, $"var/lib/appliance/forensics/{KexecTree.BootId}-pstore.txt")}\n", result.Stdout);
        Assert.Contains("pstore: Kernel panic - not syncing: sysrq triggered crash\n", result.Stdout);
        Assert.False(File.Exists(record));
    }
}
