using Appliance.Core.Kexec;
using Appliance.Linux.Files;
using Appliance.Linux.Kexec;
using Appliance.Linux.Watchdog;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Kexec;

/// <summary>The rescue kernel's way out ([Boot] RescueByKexec): soft kexec into known-good, or the firmware, and what its journal record says.</summary>
public sealed class RescueExitTests : IDisposable
{
    private readonly KexecTree _tree = new();
    private readonly FakeKexecLoader _loader;
    private readonly FakeWatchdogs _watchdogs = new();
    private readonly List<string> _notes = [];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 18, 0, 0, TimeSpan.Zero));

    public RescueExitTests() => _loader = new FakeKexecLoader(_tree);

    public void Dispose() => _tree.Dispose();

    private KexecService Service() => new(_tree.Root, _loader, LinuxFileSteps.Instance, _time);

    /// <summary>The trial armed (recording the memory map on the crash kernel's command line), then panicked into that kernel.</summary>
    private void ArmedThenCrashed()
    {
        var (plan, _) = Service().Arm(null);
        _tree.Dir.Write("proc/cmdline", "elfcorehdr=0x2f000000 " + plan.CommandLine + "\n");
        _loader.Calls.Clear();
    }

    private RescueRebootKind Leave() =>
        new RescueExit(Service(), _watchdogs).Leave("trial 'trial' crashed into the rescue kernel", note =>
        {
            _notes.Add(note);
            _watchdogs.CallsAtNote.Add(string.Join(',', _loader.Calls));
        });

    [Fact]
    public void Leave_RecordedMapNoWatchdog_LoadsKnownGoodWithTheExactMapThenJumps()
    {
        ArmedThenCrashed();

        var way = Leave();

        Assert.Equal(RescueRebootKind.Soft, way);
        Assert.Equal(["load-soft", "execute"], _loader.Calls);
        Assert.Contains("appliance.entry=good memmap=exactmap memmap=0x9fc00@0x0", _loader.Loaded?.CommandLine);
        Assert.DoesNotContain("appliance.rescue", _loader.Loaded?.CommandLine);
        Assert.Equal([RescueReboot.SoftNote("good", [])], _notes);
    }

    [Fact]
    public void Leave_Soft_RecordsAndPetsAfterTheLoadAndBeforeTheJump()
    {
        ArmedThenCrashed();
        _watchdogs.Lines = ["watchdog0 petted right before the jump"];

        Leave();

        Assert.Equal(1, _watchdogs.Pets);
        Assert.Equal(["load-soft"], _watchdogs.CallsAtNote);
        Assert.EndsWith("without a firmware pass (watchdog0 petted right before the jump)", Assert.Single(_notes));
    }

    [Fact]
    public void Leave_NoMemoryMapRecorded_FirmwareWithoutLoadingAndSaysWhy()
    {
        _tree.Dir.Write("proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 appliance.rescue=1\n");

        var way = Leave();

        Assert.Equal(RescueRebootKind.Firmware, way);
        Assert.Empty(_loader.Calls);
        Assert.Equal(0, _watchdogs.Pets);
        Assert.StartsWith("left the rescue through the firmware: ", Assert.Single(_notes));
        Assert.Contains("only the crash reservation as RAM", _notes[0]);
    }

    [Fact]
    public void Leave_HardwareWatchdogShorterThanTheJump_FirmwareAndSaysWhy()
    {
        ArmedThenCrashed();
        _tree.Dir.Write("sys/class/watchdog/watchdog0/timeout", "10\n");

        var way = Leave();

        Assert.Equal(RescueRebootKind.Firmware, way);
        Assert.Empty(_loader.Calls);
        Assert.Contains("a hardware watchdog with 10 s", Assert.Single(_notes));
    }

    [Fact]
    public void Leave_HardwareWatchdogLongEnough_Soft()
    {
        ArmedThenCrashed();
        _tree.Dir.Write("sys/class/watchdog/watchdog0/timeout", "30\n");

        Assert.Equal(RescueRebootKind.Soft, Leave());
    }

    [Fact]
    public void Leave_LoadRefused_FallsBackToTheFirmwareNamingTheKernelsReason()
    {
        ArmedThenCrashed();
        _loader.Failure = FakeKexecLoader.Refused(1);

        var way = Leave();

        Assert.Equal(RescueRebootKind.Firmware, way);
        Assert.Equal(["load-soft"], _loader.Calls);
        Assert.Equal(0, _watchdogs.Pets);
        Assert.Equal([RescueReboot.FailedNote(_loader.Failure.Message)], _notes);
        Assert.Contains("EPERM", _notes[0]);
    }

    [Fact]
    public void Leave_KnownGoodKernelMissing_FallsBackToTheFirmware()
    {
        ArmedThenCrashed();
        File.Delete(_tree.Dir.File("boot/vmlinuz"));

        var way = Leave();

        Assert.Equal(RescueRebootKind.Firmware, way);
        Assert.StartsWith("the soft kexec into known-good failed (", Assert.Single(_notes));
        Assert.EndsWith("), so the rescue rebooted through the firmware", _notes[0]);
    }

    private sealed class FakeWatchdogs : IRescueWatchdogs
    {
        public IReadOnlyList<string> Lines { get; set; } = [];

        public int Pets { get; private set; }

        public List<string> CallsAtNote { get; } = [];

        public IReadOnlyList<string> PetRunning()
        {
            Pets++;
            return Lines;
        }
    }
}

/// <summary>Which watchdogs the rescue touches before its jump: only running ones, since opening a stopped one starts it.</summary>
public sealed class RunningWatchdogsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void PetRunning_StoppedWatchdog_LeftAlone()
    {
        _dir.Write("sys/class/watchdog/watchdog0/state", "inactive\n");
        _dir.Write("dev/watchdog0", "");

        Assert.Empty(new RunningWatchdogs(_dir.Path).PetRunning());
    }

    [Fact]
    public void PetRunning_NoWatchdog_Nothing()
    {
        Assert.Empty(new RunningWatchdogs(_dir.Path).PetRunning());
    }

    [Fact]
    public void PetRunning_RunningButNodeMissing_SaysItCouldNotBePetted()
    {
        _dir.Write("sys/class/watchdog/watchdog0/state", "active\n");

        var line = Assert.Single(new RunningWatchdogs(_dir.Path).PetRunning());

        Assert.StartsWith("watchdog0 could not be petted (", line);
    }
}
