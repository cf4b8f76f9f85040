using System.Globalization;
using System.Runtime.InteropServices;
using Appliance.Core.Boot;
using Appliance.Core.Collections;
using Appliance.Core.Watchdog;
using Appliance.Linux.Files;
using Appliance.Linux.Gpio;
using Appliance.Linux.Grubenv;
using Appliance.Linux.Native;

using HealthCheckContext = Appliance.Linux.Health.HealthCheckContext;
using IHealthCheck = Appliance.Linux.Health.IHealthCheck;
using ProcessGroupRunner = Appliance.Linux.Health.ProcessGroupRunner;

namespace Appliance.Linux.Watchdog;

/// <summary>The real machine behind <see cref="IWatchdogPlatform"/>, every path under <c>root</c>.</summary>
public sealed class LinuxWatchdogPlatform : IWatchdogPlatform
{
    private readonly string _root;
    private readonly string _boardsDirectory;
    private readonly IFileSteps _steps;
    private readonly TimeProvider _time;
    private readonly WatchdogSysfs _sysfs;
    private WatchdogOwnership? _ownership;
    private StatusLedWriter? _led;
    private StatusLedSettings? _ledSettings;

    public LinuxWatchdogPlatform(string root, string boardsDirectory, IFileSteps steps, TimeProvider time)
    {
        _root = root;
        _boardsDirectory = boardsDirectory;
        _steps = steps;
        _time = time;
        _sysfs = new WatchdogSysfs(root);
    }

    public string? BoardName => Board?.Name;

    public WatchdogOwnership HardwareOwnership() => _ownership ??= SystemdOwnershipReader.Read(_root);

    public BoardProfile? Board { get; private set; }

    public IReadOnlyList<IPetTarget> ReconcileTargets(WatchdogSettings settings, IReadOnlyList<IPetTarget> current, TextWriter log)
    {
        Board = BoardProfiles.Resolve(settings.Board, BoardProfiles.Load(_boardsDirectory), () => BoardProfiles.ReadMachine(_root), _boardsDirectory);
        // When systemd owns the hardware watchdog, the board's devices are its: only a Device=
        // given outright is looked for. At boot the daemon starts before udev has loaded the
        // driver, and a board device not there yet must not fail the start (that fails the unit,
        // and in this arrangement the unit's failure reboots the machine).
        var selectors = settings.Devices.Count > 0
            ? settings.Devices
            : HardwareOwnership().SystemdOwns ? []
            : Board is { Watchdogs.Count: > 0 } b ? b.Watchdogs.Map(w => DeviceSelector.ByIdentity(w.Identity))
            : Board?.GpioWatchdog is not null || settings.Gpio is not null ? []
            : [DeviceSelector.ByPath("/dev/watchdog0")];

        var result = new List<IPetTarget>();
        var opened = new List<IPetTarget>();
        try
        {
            // /dev/watchdog and /dev/watchdog0 are one device: open it once.
            var seen = new HashSet<string>();
            foreach (var (name, path) in _sysfs.Resolve(selectors))
            {
                if (!seen.Add(name ?? path))
                {
                    continue;
                }

                int? timeout = settings.TimeoutSeconds ?? BoardTimeout(name);
                var existing = (WatchdogDevice?)current.Find(t => t is WatchdogDevice d && d.Name == path);
                if (existing is not null)
                {
                    existing.Configure(timeout, settings.PretimeoutSeconds, Pretimeout.Governor(settings), log);
                    result.Add(existing);
                    continue;
                }

                if (OpenUnlessSystemdHolds(path, name, log) is not { } device)
                {
                    continue;
                }

                opened.Add(device);
                device.Configure(timeout, settings.PretimeoutSeconds, Pretimeout.Governor(settings), log);
                if (device.Options is null)
                {
                    log.WriteLine($"appliance: {path}: answers no watchdog ioctls; petting it by write(), timeout unknown");
                }

                result.Add(device);
            }

            var gpio = settings.Gpio ?? Board?.GpioWatchdog?.ToSettings();
            if (gpio is not null)
            {
                var existing = (GpioWatchdog?)current.Find(t => t is GpioWatchdog);
                if (existing is not null && existing.Reconfigure(settings with { Gpio = gpio }, log))
                {
                    result.Add(existing);
                }
                else
                {
                    if (existing is not null)
                    {
                        log.WriteLine($"appliance: {existing.Name}: the GPIO watchdog line changed; keeping the old line too until restart, since releasing it would reset the machine");
                        result.Add(existing);
                    }

                    var target = new GpioWatchdog(GpioOutput.Request(_root, gpio.Chip, gpio.Line, initial: false, gpio.ActiveLow), gpio);
                    opened.Add(target);
                    result.Add(target);
                }
            }
        }
        catch
        {
            foreach (var target in opened)
            {
                // Just opened in this call: nobody relies on it yet, and the kernel stops it on
                // close unless nowayout, in which case it fires; either way the error is reported.
                target.Dispose();
            }

            throw;
        }

        foreach (var dropped in current)
        {
            // Checked as each is reached: one kept below is in result from then on, so a second reference to it is not handled twice.
            if (result.Contains(dropped))
            {
                continue;
            }

            if (settings.MagicCloseOnStop && dropped is WatchdogDevice { Nowayout: false })
            {
                log.WriteLine($"appliance: {dropped.Release(disarm: true)}");
            }
            else
            {
                log.WriteLine($"appliance: {dropped.Name}: no longer configured but cannot be disarmed (MagicCloseOnStop=no or nowayout); still petting it until restart");
                result.Add(dropped);
            }
        }

        ConfigureLed(settings);
        return result;
    }

    public IReadOnlyList<IHealthCheck> CreateChecks(WatchdogSettings settings)
    {
        var checks = new List<IHealthCheck>();
        foreach (string name in settings.BuiltinChecks)
        {
            checks.Add(name switch
            {
                BuiltinChecks.Temperature => new TemperatureProbe(_root, settings.MaxTemperatureCelsius),
                BuiltinChecks.Edac => new EdacProbe(_root, settings.MaxCorrectedErrorsPerInterval),
                // The validator's [Check:fd], with the daemon's key for the limit.
                _ => Health.BuiltinChecks.Create(new Core.Health.FileDescriptorSettings(BuiltinChecks.FileDescriptors, Required: true, MaxUsedPercent: settings.MaxFileDescriptorPercent)),
            });
        }

        foreach (var c in settings.Checks)
        {
            checks.Add(new CommandCheck(c));
        }

        // [Check:NAME] sections named by HealthCheck=: the same check the boot validator runs.
        foreach (var section in settings.HealthChecks)
        {
            checks.Add(Health.BuiltinChecks.Create(section));
        }

        return checks;
    }

    public HealthCheckContext CheckContext(WatchdogSettings settings, CancellationToken cancel) =>
        new(_root, _time, settings.CheckTimeout, new ProcessGroupRunner(_time, settings.OutputLimitBytes), cancel);

    public void ShowStatus(StatusLedState state)
    {
        try
        {
            _led?.Show(state);
        }
        catch (IOException)
        {
            // An LED is a convenience; the daemon's job is the watchdog.
        }
    }

    public IReadOnlyList<Appliance.Core.Health.EscapeHatchFinding> EscapeHatch()
    {
        try
        {
            return Health.EscapeHatchProbe.Run(new Boot.TrialService(_root, _steps, _time, TextWriter.Null));
        }
        catch (Exception e) when (e is IOException or FileProblemException or UnauthorizedAccessException or Appliance.Core.Config.ConfigException or Appliance.Core.Menu.GrubConfigException or Appliance.Core.Kexec.KexecPlanException)
        {
            return [];
        }
    }

    public bool TrialBoot()
    {
        try
        {
            string path = GrubEnvFile.DefaultPath(_root);
            return File.Exists(path) && !string.IsNullOrEmpty(new GrubEnvFile(path, _steps, _time).Read().Get(TrialVariables.Trial));
        }
        catch (Exception e) when (e is IOException or FileProblemException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void TuneProcess(WatchdogSettings settings, TextWriter log)
    {
        if (settings.LockMemory)
        {
            LockMemory(log);
        }

        if (settings.OomScoreAdjust is { } adjust)
        {
            string path = Path.Combine(_root, "proc/self/oom_score_adj");
            try
            {
                File.WriteAllText(path, adjust.ToString(CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.WriteLine($"appliance: {path}: {e.Message}; lowering it needs CAP_SYS_RESOURCE");
            }
        }
    }

    public void ReleaseStartupMemory(WatchdogSettings settings, TextWriter log)
    {
        // Locked pages cannot be paged out (mm/madvise.c refuses VM_LOCKED ranges), so the lock
        // is lifted for the moment it takes and set again; MCL_ONFAULT then locks only what the
        // loop touches from here on.
        if (settings.LockMemory)
        {
            Libc.munlockall();
        }

        ReleaseImagePages(log);
        if (settings.LockMemory)
        {
            LockMemory(log);
        }
    }

    private static void LockMemory(TextWriter log)
    {
        // MCL_ONFAULT locks pages as they are touched instead of populating every mapping up
        // front: the pet path is touched in the first round and then stays resident, while the
        // runtime's thread stacks and GC reservations are not faulted in whole (without it the
        // daemon was 62 MB resident instead of 14 MB in tools/bench/watchdog.bench.sh).
        if (Libc.mlockall(Libc.MCL_CURRENT | Libc.MCL_FUTURE | Libc.MCL_ONFAULT) != 0)
        {
            log.WriteLine($"appliance: mlockall failed ({Libc.StrError(Marshal.GetLastPInvokeError())}); LockMemory needs CAP_IPC_LOCK or a larger LimitMEMLOCK=");
        }
    }

    /// <summary>
    /// Drops the clean file pages of the executable and its libraries (see
    /// <see cref="ImagePages"/>): what the daemon touches again comes back on the next touch.
    /// Best effort: whatever cannot be read or dropped simply stays resident.
    /// </summary>
    private void ReleaseImagePages(TextWriter log)
    {
        string self = Path.Combine(_root, "proc/self");
        string smaps, executable;
        try
        {
            smaps = File.ReadAllText(Path.Combine(self, "smaps"));
            executable = File.ResolveLinkTarget(Path.Combine(self, "exe"), returnFinalTarget: false)?.FullName ?? string.Empty;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.WriteLine($"appliance: {self}/smaps: {e.Message}; keeping the start-up pages, ignoring");
            return;
        }

        // Under a --root whose proc is not this process's own, the ranges would name somebody
        // else's memory: madvise acts on ours whatever the file says.
        if (executable.Length == 0 || executable != Environment.ProcessPath)
        {
            return;
        }

        foreach (var range in ImagePages.Droppable(smaps, executable))
        {
            if (range.OwnImage && PageOut(range))
            {
                continue;
            }

            if (Libc.madvise((nuint)range.Start, (nuint)range.Length, Libc.MADV_DONTNEED) != 0)
            {
                log.WriteLine($"appliance: madvise(MADV_DONTNEED) of {range.Start:x}+{range.Length:x}: {Libc.StrError(Marshal.GetLastPInvokeError())}, ignoring");
            }
        }
    }

    /// <summary>
    /// Unmaps the range and evicts from the page cache what no other process maps
    /// (mm/madvise.c, madvise_cold_or_pageout_pte_range), so fault-around, which maps the cached
    /// neighbours of a faulting page 64 KiB at a time (mm/memory.c, do_fault_around), has
    /// nothing to bring back with it. MADV_RANDOM first makes a fault read only the page it
    /// needs instead of reading around it (mm/filemap.c, do_sync_mmap_readahead; executable
    /// mappings are read ahead regardless). False where the kernel has no MADV_PAGEOUT
    /// (before Linux 5.4).
    /// </summary>
    private static bool PageOut(ImagePages.Range range)
    {
        Libc.madvise((nuint)range.Start, (nuint)range.Length, Libc.MADV_RANDOM);
        return Libc.madvise((nuint)range.Start, (nuint)range.Length, Libc.MADV_PAGEOUT) == 0;
    }

    public unsafe void SetThreadPriority(int? priority, TextWriter log)
    {
        // sched_setscheduler with pid 0 changes the calling thread only (sched(7)), which is the pet thread.
        int value = priority ?? 0;
        int policy = priority is null ? 0 : Libc.SCHED_FIFO;
        if (Libc.sched_setscheduler(0, policy, &value) != 0)
        {
            log.WriteLine($"appliance: sched_setscheduler(SCHED_FIFO, {value}) failed ({Libc.StrError(Marshal.GetLastPInvokeError())}); RealtimePriority needs CAP_SYS_NICE");
        }
    }

    public void Sync() => Libc.sync();

    private void ConfigureLed(WatchdogSettings settings)
    {
        StatusLedSettings? wanted = settings.StatusLedDisabled ? null
            : settings.StatusLed ?? (Board?.StatusLed is { } s ? StatusLedSettings.Parse(s) : null);
        if (wanted == _ledSettings)
        {
            return;
        }

        _led?.Dispose();
        _led = null;
        _ledSettings = wanted;
        if (wanted?.SysfsName is { } name)
        {
            _led = new StatusLedWriter(Path.Combine(_root, "sys/class/leds", name), null);
        }
        else if (wanted?.GpioChip is { } chip)
        {
            _led = new StatusLedWriter(null, GpioOutput.Request(_root, chip, wanted.GpioLine, initial: false, activeLow: false));
        }
    }

    /// <summary>
    /// Opens the device, unless systemd holds it: one PID 1 has open is not tried, and when
    /// systemd owns the hardware watchdog an EBUSY is taken as its (PID 1's files could not be
    /// read). Otherwise EBUSY is another daemon's, and an error.
    /// </summary>
    private WatchdogDevice? OpenUnlessSystemdHolds(string path, string? name, TextWriter log)
    {
        WatchdogOwnership ownership = HardwareOwnership();
        // PID 1's links name the device as the system sees it, without the --root prefix.
        if (ownership.Holds("/" + Path.GetRelativePath(_root, path)))
        {
            return null;
        }

        try
        {
            return WatchdogDevice.Open(path, name, _sysfs);
        }
        catch (FileProblemException e) when (e.Kind == FileProblemKind.Busy && ownership.SystemdOwns)
        {
            log.WriteLine($"appliance: {path}: busy, taken to be systemd's ({ownership.Reason}); not petting it");
            return null;
        }
    }

    /// <summary>The board profile's timeout for the device whose sysfs identity it lists.</summary>
    private int? BoardTimeout(string? name)
    {
        if (Board is null || name is null)
        {
            return null;
        }

        string? identity = _sysfs.Read(name, "identity");
        return Board.Watchdogs.Find(w => w.Identity == identity)?.TimeoutSeconds;
    }
}
