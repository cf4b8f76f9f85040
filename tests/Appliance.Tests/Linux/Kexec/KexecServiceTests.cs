using Appliance.Core.Kexec;
using Appliance.Linux.Files;
using Appliance.Linux.Kexec;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Kexec;

public sealed class KexecServiceTests : IDisposable
{
    private readonly KexecTree _tree = new();
    private readonly FakeKexecLoader _loader;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 6, 30, 0, TimeSpan.Zero));

    public KexecServiceTests() => _loader = new FakeKexecLoader(_tree);

    public void Dispose() => _tree.Dispose();

    private KexecService Service() => new(_tree.Root, _loader, LinuxFileSteps.Instance, _time);

    [Fact]
    public void PlanArm_NoEntryGiven_LoadsTheKnownGoodEntryWithTheRescueCommandLine()
    {
        var plan = Service().PlanArm(null);

        Assert.Equal("good", plan.Entry);
        Assert.Equal(Path.Join(_tree.Root, "boot/vmlinuz"), plan.Kernel);
        Assert.Equal([Path.Join(_tree.Root, "boot/initrd.img")], plan.Initrds);
        Assert.StartsWith("BOOT_IMAGE=/boot/vmlinuz console=ttyS0,115200 root=/dev/vda1 appliance.entry=good nr_cpus=1 irqpoll reset_devices panic=10 appliance.rescue=1 appliance.memmap=0x9fc00@0x0,", plan.CommandLine);
        Assert.DoesNotContain("crashkernel=", plan.CommandLine);
        Assert.Empty(_loader.Calls);
    }

    [Fact]
    public void PlanArm_SeparateBootPartition_FindsFilesUnderBootAndJoinsInitrds()
    {
        var plan = Service().PlanArm("separate");

        Assert.Equal(Path.Join(_tree.Root, "boot/vmlinuz-6.1"), plan.Kernel);
        Assert.Equal([Path.Join(_tree.Root, "boot/initrd.img-6.1"), Path.Join(_tree.Root, "boot/microcode.img")], plan.Initrds);
        Assert.Contains("root=/dev/vda2 ro quiet", plan.CommandLine);
    }

    [Fact]
    public void PlanArm_KernelFileMissing_FailsNamingBothPlacesTried()
    {
        var e = Assert.Throws<KexecPlanException>(() => Service().PlanArm("missing"));

        Assert.Equal(KexecPlanError.Missing, e.Error);
        Assert.Contains(Path.Join(_tree.Root, "boot/vmlinuz-gone"), e.Message);
        Assert.Contains(Path.Join(_tree.Root, "boot/boot/vmlinuz-gone"), e.Message);
    }

    [Fact]
    public void PlanArm_UnknownEntry_FailsWithTheClosestEntries()
    {
        var e = Assert.Throws<KexecPlanException>(() => Service().PlanArm("goood"));

        Assert.Contains("'goood' is not a menu entry", e.Message);
        Assert.Contains("closest: 'good'", e.Message);
    }

    [Fact]
    public void PlanArm_NoKnownGoodInGrubenv_AsksForAnEntry()
    {
        using var tree = new KexecTree(good: null);
        var service = new KexecService(tree.Root, new FakeKexecLoader(tree), LinuxFileSteps.Instance, _time);

        var e = Assert.Throws<KexecPlanException>(() => service.PlanArm(null));

        Assert.Contains("grubenv has no appliance_good", e.Message);
    }

    [Fact]
    public void PlanArm_NoReservation_FailsBeforeLoadingWithTheFix()
    {
        using var tree = new KexecTree(reservedBytes: 0);
        var loader = new FakeKexecLoader(tree);
        var service = new KexecService(tree.Root, loader, LinuxFileSteps.Instance, _time);

        var e = Assert.Throws<KexecException>(() => service.Arm(null));

        Assert.Equal(KexecProblemKind.Reservation, e.Problem.Kind);
        Assert.Contains("could not reserve it", e.Message);
        Assert.Contains("add crashkernel=256M to GRUB_CMDLINE_LINUX", e.Message);
        Assert.Empty(loader.Calls);
    }

    [Fact]
    public void Arm_Succeeds_LoadsOnCrashAndRecordsArmedJson()
    {
        var (plan, state) = Service().Arm(null);

        Assert.Equal(["load-crash"], _loader.Calls);
        Assert.Equal(plan.CommandLine, _loader.Loaded?.CommandLine);
        var read = new KexecFiles(_tree.Root, LinuxFileSteps.Instance).ReadArmed();
        Assert.NotNull(read);
        Assert.Equal(state.Entry, read.Entry);
        Assert.Equal(state.Kernel, read.Kernel);
        Assert.Equal(state.CommandLine, read.CommandLine);
        Assert.Equal(_time.GetUtcNow(), read.Time);
        Assert.Equal(KexecTree.BootId, read.BootId);
        Assert.Equal(MemoryMap.ToValues(Core.Kexec.MemoryMapTests.QemuPc), read.Memmap);
        Assert.Equal(256L << 20, read.ReservedBytes);
    }

    [Fact]
    public void Arm_KernelRefuses_WritesNoArmedJson()
    {
        _loader.Failure = FakeKexecLoader.Refused(Errno.EKEYREJECTED);

        var e = Assert.Throws<KexecException>(() => Service().Arm(null));

        Assert.Equal(KexecProblemKind.Unverified, e.Problem.Kind);
        Assert.False(File.Exists(Path.Join(_tree.Root, "var/lib/appliance/kexec/armed.json")));
    }

    [Fact]
    public void Arm_LoadSucceedsButSysfsSaysNotLoaded_Fails()
    {
        _loader.LeaveCrashFlagAlone = true;

        var e = Assert.Throws<KexecException>(() => Service().Arm(null));

        Assert.Contains("kexec_crash_loaded is still 0", e.Message);
    }

    [Fact]
    public void Disarm_AfterArm_UnloadsAndRemovesArmedJson()
    {
        Service().Arm(null);

        Service().Disarm();

        Assert.Equal(["load-crash", "unload-crash"], _loader.Calls);
        Assert.Equal("0", _tree.Read("sys/kernel/kexec_crash_loaded").Trim());
        Assert.False(File.Exists(Path.Join(_tree.Root, "var/lib/appliance/kexec/armed.json")));
    }

    [Fact]
    public void Disarm_StillLoadedAfterwards_Fails()
    {
        _tree.Dir.Write("sys/kernel/kexec_crash_loaded", "1\n");
        _loader.LeaveCrashFlagAlone = true;

        var e = Assert.Throws<KexecException>(() => Service().Disarm());

        Assert.Contains("still 1", e.Message);
    }

    [Fact]
    public void Status_Armed_ReportsReservationLoadAndWhatWasArmed()
    {
        Service().Arm(null);

        var status = Service().Status();

        Assert.Equal(256L << 20, status.ReservedBytes);
        Assert.Equal("256M", status.CrashKernel);
        Assert.True(status.CrashLoaded);
        Assert.False(status.KexecLoaded);
        Assert.False(status.Rescue);
        Assert.Equal("good", status.Armed?.Entry);
        Assert.Null(status.ArmedPreviousBoot);
        Assert.Empty(status.Warnings);
    }

    [Fact]
    public void Status_ArmedOnAnEarlierBoot_IsHistoryAndLoadedIsUnexplained()
    {
        Service().Arm(null);
        _tree.Dir.Write("proc/sys/kernel/random/boot_id", "00000000-0000-4000-8000-000000000001\n");

        var status = Service().Status();

        Assert.Null(status.Armed);
        Assert.Equal("good", status.ArmedPreviousBoot?.Entry);
        Assert.Contains(status.Warnings, w => w.Contains("not by 'appliance kexec arm' on this boot"));
    }

    [Fact]
    public void PlanSoft_InTheRescueKernel_BootsKnownGoodWithTheRecordedMap()
    {
        var (plan, _) = Service().Arm(null);
        _tree.Dir.Write("proc/cmdline", plan.CommandLine.Replace("BOOT_IMAGE=/boot/vmlinuz", "elfcorehdr=0x2f000000 BOOT_IMAGE=/boot/vmlinuz") + "\n");

        var soft = Service().PlanSoft(null);

        Assert.Equal("good", soft.Entry);
        Assert.Contains("appliance.entry=good memmap=exactmap memmap=0x9fc00@0x0 memmap=0x400$0x9fc00", soft.CommandLine);
        Assert.DoesNotContain("appliance.rescue", soft.CommandLine);
        Assert.Contains("crashkernel=256M", soft.CommandLine);
    }

    [Fact]
    public void PlanSoft_RescueWithoutAnyRecordedMap_RefusesTheSoftPath()
    {
        _tree.Dir.Write("proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 appliance.rescue=1\n");

        var e = Assert.Throws<KexecPlanException>(() => Service().PlanSoft(null));

        Assert.Contains("reboot through the firmware", e.Message);
    }

    [Fact]
    public void PlanSoft_RescueWithMapOnlyInArmedJson_UsesItAndSaysSo()
    {
        Service().Arm(null);
        _tree.Dir.Write("proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 appliance.rescue=1\n");

        var soft = Service().PlanSoft("trial");

        Assert.Contains("memmap=exactmap", soft.CommandLine);
        Assert.Contains(soft.Notes, n => n.Contains("armed.json"));
    }

    [Fact]
    public void ChooseRescueReboot_ThenPlanSoftWithItsMap_ReadsArmedJsonOnce()
    {
        Service().Arm(null);
        _tree.Dir.Write("proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 appliance.rescue=1\n");
        var service = Service();

        var choice = service.ChooseRescueReboot();
        File.Delete(service.Files.ArmedPath);
        var soft = service.PlanSoft(null, choice.Memory);

        Assert.Equal(RescueRebootKind.Soft, choice.Decision.Kind);
        Assert.True(choice.Memory.FromArmed);
        Assert.Contains("appliance.entry=good memmap=exactmap", soft.CommandLine);
        Assert.Contains(soft.Notes, n => n.Contains("armed.json"));
    }

    [Fact]
    public void SoftReboot_LoadsThenExecutes()
    {
        var plan = Service().PlanSoft("trial");

        Service().SoftReboot(plan, "test");

        Assert.Equal(["load-soft", "execute"], _loader.Calls);
        Assert.Equal("BOOT_IMAGE=/boot/vmlinuz console=ttyS0,115200 root=/dev/vda1 crashkernel=256M appliance.entry=trial", _loader.Loaded?.CommandLine);
    }

    [Fact]
    public void LinuxKexecLoader_OnAFakeRoot_RefusesBeforeAnySyscall()
    {
        var loader = new LinuxKexecLoader(_tree.Root, TextWriter.Null);

        var e = Assert.Throws<KexecPlanException>(() => loader.LoadCrash(Path.Join(_tree.Root, "boot/vmlinuz"), [], "root=/dev/vda1"));

        Assert.Equal(KexecPlanError.NotRunningSystem, e.Error);
        Assert.Throws<KexecPlanException>(loader.UnloadCrash);
        Assert.Throws<KexecPlanException>(() => loader.Execute("test"));
    }
}
