using Appliance.Core.Boot;
using Appliance.Core.Collections;
using Appliance.Core.Grubenv;
using Appliance.Core.Kexec;
using Appliance.Core.Menu;
using Appliance.Linux.Files;
using Appliance.Linux.Grubenv;
using Appliance.Linux.Kernel;
using Appliance.Linux.Menu;
using GrubMenu = Appliance.Core.Menu.Menu;

namespace Appliance.Linux.Kexec;

/// <summary>What a kexec load would do: the entry, its files, the command line, and notes for the operator (dropped GRUB variables, a small reservation).</summary>
public sealed record KexecPlan(string Entry, string Kernel, IReadOnlyList<string> Initrds, string CommandLine, IReadOnlyList<string> Notes);

/// <summary>The full machine's memory map a rescue kernel was handed (memmap= values), and whether it came from armed.json rather than its command line.</summary>
public sealed record RecordedMemoryMap(IReadOnlyList<string> Values, bool FromArmed);

/// <summary>How a rescue kernel should leave, and the memory map the choice was made on, which the soft kexec's plan then takes (<see cref="KexecService.PlanSoft"/>) rather than reading armed.json again.</summary>
public sealed record RescueRebootChoice(RescueRebootDecision Decision, RecordedMemoryMap Memory);

/// <summary>
/// The kexec failover operations over a system tree: arm the rescue kernel, disarm it, report,
/// and soft-reboot into an entry. Planning reads the menu, grubenv and sysfs under the root;
/// loading goes through <see cref="IKexecLoader"/>.
/// </summary>
public sealed class KexecService
{
    private readonly string _root;
    private readonly IKexecLoader _loader;
    private readonly KexecSysfs _sysfs;
    private readonly KexecFiles _files;
    private readonly KernelInfo _kernel;
    private readonly IFileSteps _steps;
    private readonly TimeProvider _time;

    public KexecService(string root, IKexecLoader loader, IFileSteps steps, TimeProvider time)
    {
        _root = root;
        _loader = loader;
        _steps = steps;
        _time = time;
        _sysfs = new KexecSysfs(root);
        _files = new KexecFiles(root, steps);
        _kernel = new KernelInfo(root);
    }

    public KexecFiles Files => _files;

    /// <summary>
    /// Plans the rescue kernel for <paramref name="entryReference"/> (default: grubenv's
    /// appliance_good) and checks the crash reservation; throws <see cref="KexecException"/>
    /// (kind Reservation) when it cannot hold the images.
    /// </summary>
    public KexecPlan PlanArm(string? entryReference)
    {
        var (entry, env) = ResolveEntry(entryReference);
        var (kernel, initrds) = ResolveImages(entry, env);
        long kernelBytes = new FileInfo(kernel).Length;
        long initrdBytes = 0;
        foreach (string initrd in initrds)
        {
            initrdBytes = checked(initrdBytes + new FileInfo(initrd).Length);
        }

        long imageBytes = kernelBytes + initrdBytes;

        string running = _kernel.CommandLine();
        var memory = _sysfs.FirmwareMemoryMap();
        long? ram = memory.Count > 0 ? MemoryMap.RamBytes(memory) : _sysfs.MemTotal();
        long reserved = _sysfs.CrashSize() ?? 0;
        var verdict = CrashKernel.Check(reserved, running, ram, imageBytes);
        if (!verdict.Ok)
        {
            throw new KexecException(new KexecProblem(KexecProblemKind.Reservation, verdict.Error!), 0);
        }

        var built = KexecCommandLines.ForCrash(entry, name => env.Get(name), running, MemoryMap.ToValues(memory));
        var notes = new List<string>(built.Notes);
        if (verdict.Warning is { } warning)
        {
            notes.Add(warning);
        }

        var (watchdog, timeout) = _sysfs.HardwareWatchdog();
        if (watchdog)
        {
            notes.Add($"a hardware watchdog is registered{(timeout is { } t ? $" ({t.TotalSeconds:0} s)" : "")}: a crash kexec does not stop it, so the rescue kernel must pet it early (the validator does) or it resets the machine mid-rescue");
        }

        return new KexecPlan(entry.Path, kernel, initrds, built.CommandLine, notes);
    }

    /// <summary>Loads the planned rescue kernel on panic and records it in armed.json; returns the plan and what was written.</summary>
    public (KexecPlan Plan, ArmedState State) Arm(string? entryReference)
    {
        KexecPlan plan = PlanArm(entryReference);
        _loader.LoadCrash(plan.Kernel, plan.Initrds, plan.CommandLine);
        if (_sysfs.CrashLoaded() == false)
        {
            throw new KexecException(new KexecProblem(KexecProblemKind.Failed, "kexec_file_load succeeded but /sys/kernel/kexec_crash_loaded is still 0; the crash kernel is not armed (see 'dmesg | grep -i kexec')"), 0);
        }

        var state = new ArmedState
        {
            Entry = plan.Entry,
            Kernel = plan.Kernel,
            Initrd = plan.Initrds.Count == 0 ? null : string.Join(' ', plan.Initrds),
            CommandLine = plan.CommandLine,
            Time = _time.GetUtcNow(),
            BootId = _kernel.BootId(),
            Memmap = MemoryMap.FromCommandLine(plan.CommandLine),
            ReservedBytes = _sysfs.CrashSize() ?? 0,
        };
        _files.WriteArmed(state);
        return (plan, state);
    }

    /// <summary>Unloads the crash kernel and removes armed.json. Throws when the kernel still reports one loaded.</summary>
    public void Disarm()
    {
        _loader.UnloadCrash();
        if (_sysfs.CrashLoaded() == true)
        {
            throw new KexecException(new KexecProblem(KexecProblemKind.Failed, "the unload returned success but /sys/kernel/kexec_crash_loaded is still 1; try again, and see 'dmesg | grep -i kexec'"), 0);
        }

        _files.DeleteArmed();
    }

    public KexecStatusReport Status()
    {
        var warnings = new List<string>();
        ArmedState? armed = _files.ReadArmed();
        bool? loaded = _sysfs.CrashLoaded();
        string bootId = _kernel.BootId();
        bool current = armed is not null && armed.BootId == bootId;
        if (loaded == true && !current)
        {
            warnings.Add("a crash kernel is loaded, but not by 'appliance kexec arm' on this boot; what it is cannot be told");
        }

        if (loaded == false && current)
        {
            warnings.Add("armed.json says this boot armed a crash kernel, but none is loaded now (unloaded by hand, or by another tool)");
        }

        long? reserved = _sysfs.CrashSize();
        if (reserved == 0)
        {
            warnings.Add($"no crash reservation: {CrashKernel.HowToReserve(CrashKernel.FormatSize(CrashKernel.RecommendedBytes))}");
        }

        return new KexecStatusReport
        {
            ReservedBytes = reserved,
            CrashKernel = CrashKernel.Find(_kernel.CommandLine())?.Text,
            CrashLoaded = loaded,
            KexecLoaded = _sysfs.Loaded(),
            Rescue = _kernel.IsRescue(),
            Armed = current ? armed : null,
            ArmedPreviousBoot = current ? null : armed,
            PanicPolicySaved = _files.ReadSavedSysctls(),
            Warnings = warnings,
        };
    }

    /// <summary>
    /// Plans a soft reboot into <paramref name="entryReference"/> (default: known-good). In a
    /// rescue kernel on a platform with a firmware memory map, the map recorded when the trial
    /// armed is added (memmap=exactmap); without one the soft path is refused, as the entry
    /// would come up with only the crash reservation as memory. <paramref name="recorded"/> is
    /// that map when the caller already has it (<see cref="ChooseRescueReboot"/>); without it
    /// the map is read here.
    /// </summary>
    public KexecPlan PlanSoft(string? entryReference, RecordedMemoryMap? recorded = null)
    {
        var (entry, env) = ResolveEntry(entryReference);
        var (kernel, initrds) = ResolveImages(entry, env);
        IReadOnlyList<string> memmap = [];
        var notes = new List<string>();
        if (_kernel.IsRescue())
        {
            (memmap, bool fromArmed) = recorded ?? ReadRecordedMemoryMap();
            if (fromArmed)
            {
                notes.Add("memory map taken from armed.json (the rescue command line had none)");
            }

            if (memmap.Count == 0 && _sysfs.HasFirmwareMemoryMap())
            {
                throw new KexecPlanException("this is a rescue kernel and no memory map of the full machine was recorded (no appliance.memmap= on its command line, none in armed.json), so a soft kexec would give the next kernel only the crash reservation as RAM; reboot through the firmware instead ('appliance reboot' without --kexec)");
            }
        }

        var built = KexecCommandLines.ForSoft(entry, name => env.Get(name), memmap);
        notes.AddRange(built.Notes);
        return new KexecPlan(entry.Path, kernel, initrds, built.CommandLine, notes);
    }

    /// <summary>
    /// Loads the planned kernel and jumps into it; returns only by throwing, or once systemd has
    /// taken the kexec over. <paramref name="beforeJump"/> runs between the load and the jump:
    /// the last moment for this kernel to record or pet anything, and only once the load worked.
    /// </summary>
    public void SoftReboot(KexecPlan plan, string reason, Action? beforeJump = null)
    {
        _loader.LoadSoft(plan.Kernel, plan.Initrds, plan.CommandLine);
        beforeJump?.Invoke();
        _loader.Execute(reason);
    }

    /// <summary>
    /// How a rescue kernel should leave (<see cref="RescueReboot.Choose"/>) on this machine: the
    /// memory map it was handed (or armed.json's), and the hardware watchdogs sysfs lists. The
    /// choice carries the map, for the soft kexec's plan.
    /// </summary>
    public RescueRebootChoice ChooseRescueReboot()
    {
        var memory = ReadRecordedMemoryMap();
        var (watchdog, timeout) = _sysfs.HardwareWatchdog();
        return new RescueRebootChoice(RescueReboot.Choose(_sysfs.HasFirmwareMemoryMap(), memory.Values, watchdog, timeout), memory);
    }

    /// <summary>The full machine's memory map recorded when the trial armed: the rescue's command line first, then armed.json.</summary>
    private RecordedMemoryMap ReadRecordedMemoryMap()
    {
        var memmap = MemoryMap.FromCommandLine(_kernel.CommandLine());
        if (memmap.Count == 0 && _files.ReadArmed() is { Memmap.Count: > 0 } armed)
        {
            return new RecordedMemoryMap(armed.Memmap, true);
        }

        return new RecordedMemoryMap(memmap, false);
    }

    /// <summary>Picks the entry: <paramref name="reference"/>, or grubenv's known-good; fails naming the closest entries when the menu has no such entry.</summary>
    private (MenuEntry Entry, GrubEnvBlock Env) ResolveEntry(string? reference)
    {
        GrubEnvBlock env = new GrubEnvFile(GrubEnvFile.DefaultPath(_root), _steps, _time).Read();
        string wanted = reference
            ?? TrialState.From(env).Good
            ?? throw new KexecPlanException($"no entry given and grubenv has no {TrialVariables.Good} (known-good entry); name one: 'appliance kexec arm ENTRY' (see 'appliance entries')");
        GrubMenu menu = MenuReader.Read(_root, null);
        MenuLookup lookup = menu.Lookup(wanted);
        if (lookup.Entry is not { } entry)
        {
            string closest = lookup.Candidates.Count == 0 ? "" : "; closest: " + string.Join(", ", lookup.Candidates.Map(c => $"'{c.Path}'"));
            throw new KexecPlanException($"{menu.ConfigPath}: '{wanted}' is not a menu entry: {lookup.Problem}{closest}");
        }

        return (entry, env);
    }

    private (string Kernel, IReadOnlyList<string> Initrds) ResolveImages(MenuEntry entry, GrubEnvBlock env)
    {
        string kernelPath = entry.Kernel ?? throw new KexecPlanException($"menu entry '{entry.Path}' has no linux line, so there is no kernel to load");
        string kernel = BootFiles.Resolve(_root, kernelPath, name => env.Get(name), entry.Path);
        var initrds = entry.Initrd.Map(i => BootFiles.Resolve(_root, i, name => env.Get(name), entry.Path));
        return (kernel, initrds);
    }
}
