using Appliance.Core.Boot;
using Appliance.Core.Collections;
using Appliance.Core.Config;
using Appliance.Core.Grubenv;
using Appliance.Core.Journal;
using Appliance.Core.Menu;
using Appliance.Linux.Config;
using Appliance.Linux.Files;
using Appliance.Linux.Grubenv;
using Appliance.Linux.Health;
using Appliance.Linux.Journal;
using Appliance.Linux.Kernel;
using Appliance.Linux.Menu;
using GrubMenu = Appliance.Core.Menu.Menu;

namespace Appliance.Cli;

/// <summary>The adapters the trial-boot commands share, all rooted at <c>--root</c>.</summary>
public sealed class BootServices
{
    private readonly CliContext _context;
    private GrubMenu? _menu;
    private ApplianceConfig? _config;
    private Running? _running;

    public BootServices(CliContext context, string root)
    {
        _context = context;
        Root = root;
        Env = new GrubEnvFile(GrubEnvFile.DefaultPath(root), context.FileSteps, context.Time);
        Kernel = new KernelInfo(root);
        Journal = new BootJournal(StatePaths.Under(root, StatePaths.Boots), context.FileSteps, context.Error);
    }

    public string Root { get; }

    public GrubEnvFile Env { get; }

    public KernelInfo Kernel { get; }

    public BootJournal Journal { get; }

    public GrubMenu Menu => _menu ??= MenuReader.Read(Root, null);

    /// <summary>/etc/appliance under the root; a bad config is an error (exit 78) naming file and line.</summary>
    public ApplianceConfig Config => _config ??= ConfigLoader.Load(Root);

    /// <summary>The menu, or null with a warning: the validator must still work when grub.cfg cannot be read.</summary>
    public GrubMenu? MenuOrNull()
    {
        try
        {
            return Menu;
        }
        catch (Exception e) when (e is FileProblemException or GrubConfigException)
        {
            _context.Error.WriteLine($"appliance: {e.Message}; cannot tell which entry is running, ignoring");
            return null;
        }
    }

    /// <summary>
    /// The entry the kernel command line matches, or null when unknown; worked out once per
    /// command. Where identical entries tie, the staged trial and then known-good win: they are
    /// what GRUB was told to boot.
    /// </summary>
    /// <param name="state">grubenv as the caller already read it; read here when null.</param>
    public string? RunningEntryPath(TrialState? state = null) => (_running ??= new(MatchRunningEntry(state))).Path;

    private string? MatchRunningEntry(TrialState? known)
    {
        var menu = MenuOrNull();
        if (menu is null)
        {
            return null;
        }

        var state = known ?? TrialState.From(Env.Read());
        return RunningEntry.Match(
            menu.Entries.Map(e => new BootableEntry(e.Path, e.Kernel, e.Args)),
            Kernel.CommandLine(),
            Canonical(menu, state.Trial),
            Canonical(menu, state.Good));
    }

    private static string? Canonical(GrubMenu menu, string? reference) =>
        reference is null ? null : menu.Resolve(reference)?.Path;

    /// <summary>The running entry as grubenv should record it: its twin whose reference survives update-grub (<see cref="GrubMenu.Pinned"/>).</summary>
    public string? PinnedRunningEntryPath() =>
        RunningEntryPath() is { } running && MenuOrNull() is { } menu && menu.Resolve(running) is { } entry
            ? menu.Pinned(entry).Path
            : null;

    /// <summary>
    /// The running entry as grubenv should record it, when it is also what GRUB boots by itself
    /// (saved_entry where it names an entry, else the first entry); null for a boot somebody
    /// chose for once (grub-reboot, a key at the menu), which proves nothing about the default.
    /// </summary>
    public string? PinnedRunningDefaultPath(TrialState state)
    {
        if (PinnedRunningEntryPath() is not { } running || MenuOrNull() is not { } menu)
        {
            return null;
        }

        var grubDefault = (state.SavedEntry is { } saved ? menu.Resolve(saved) : null) ?? menu.Lookup("0").GrubWouldBoot;
        return grubDefault is not null && menu.Pinned(grubDefault).Path == running ? running : null;
    }

    /// <summary>Boxed so that "no match" (null) is remembered too.</summary>
    private sealed record Running(string? Path);

    public (TrialState State, BootKind Kind, string? Running) Assess()
    {
        var state = TrialState.From(Env.Read());
        string? running = RunningEntryPath(state);
        return (state, TrialMachine.Assess(state, running, Kernel.IsRescue()), running);
    }

    public DateTimeOffset Now() => _context.Time.GetUtcNow();

    /// <summary>Runs the configured health checks within <paramref name="deadline"/>.</summary>
    public HealthOutcome RunChecks(TimeSpan deadline)
    {
        var report = new HealthCheckRunner(_context.Time).RunAll(Config, Root, deadline, CancellationToken.None);
        return new HealthOutcome(
            report.Healthy,
            report.Failures.Map(c => new FailingCheck(c.Name, c.Result, c.Output)));
    }


    /// <summary>
    /// Loads the known-good kernel as the crash kernel and makes the kernel panic on oops, soft
    /// lockups and hung tasks, so a trial that fails in those ways jumps straight into the rescue
    /// path. Failing to arm is not fatal: GRUB's try counter and the watchdog still cover the
    /// trial; the reason goes to the operator.
    /// </summary>
    public void ArmRescue(List<string> notes)
    {
        try
        {
            var (plan, _) = Kexec().Arm(null);
            Appliance.Linux.Kexec.PanicPolicy.Apply(Root, steps: _context.FileSteps, time: _context.Time);
            notes.Add($"armed kexec: a panic boots '{plan.Entry}' as the rescue kernel");
        }
        catch (Exception e) when (e is Appliance.Linux.Kexec.KexecException or Appliance.Core.Kexec.KexecPlanException or FileProblemException or IOException or UnauthorizedAccessException)
        {
            notes.Add($"cannot arm kexec ({e.Message}); GRUB's try counter and the watchdog remain, ignoring");
        }
    }

    /// <summary>After a commit the trial is known-good: no rescue kernel, and the distro's panic settings back.</summary>
    public void DisarmRescue(List<string> notes)
    {
        try
        {
            Appliance.Linux.Kexec.PanicPolicy.Restore(Root, _context.FileSteps);
            if (new Appliance.Linux.Kexec.KexecSysfs(Root).CrashLoaded() == true)
            {
                Kexec().Disarm();
            }
        }
        catch (Exception e) when (e is Appliance.Linux.Kexec.KexecException or FileProblemException or IOException or UnauthorizedAccessException)
        {
            notes.Add($"cannot disarm kexec after the commit ({e.Message}), ignoring");
        }
    }

    /// <summary>The crashed trial's panic log, from the crash kernel's /proc/vmcore or pstore, saved beside the journal.</summary>
    public Appliance.Linux.Forensics.ForensicsResult? CollectForensics(List<string> notes)
    {
        try
        {
            var result = Appliance.Linux.Forensics.Forensics.Collect(Root, ForensicsLimitBytes, _context.FileSteps);
            notes.AddRange(result.Notes);
            return result;
        }
        catch (Exception e) when (e is FileProblemException or IOException or UnauthorizedAccessException)
        {
            notes.Add($"cannot save the panic log ({e.Message}), ignoring");
            return null;
        }
    }

    /// <summary>Enough of a kernel log around the panic to see the oops and its call trace.</summary>
    private const int ForensicsLimitBytes = 64 * 1024;

    private Appliance.Linux.Kexec.KexecService Kexec() =>
        new(Root, new Appliance.Linux.Kexec.LinuxKexecLoader(Root, _context.Error), _context.FileSteps, _context.Time);

    /// <summary>Applies an edit computed from the state read under the lock, so a concurrent change is not overwritten.</summary>
    public GrubEnvBlock Apply(Func<TrialState, EnvEdit> edit) =>
        Env.Update(block => edit(TrialState.From(block)).ApplyTo(block));
}
