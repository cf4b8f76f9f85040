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

namespace Appliance.Linux.Boot;

/// <summary>
/// The trial-boot use cases over one system tree (stage, pin, commit, abort, mark-bad, validate,
/// the deadline), beside <see cref="Kexec.KexecService"/>. Each verb reads grubenv, decides with
/// <see cref="TrialMachine"/> on the state read under the grubenv lock, writes that one edit, then
/// carries out the secondary writes (journal, hooks, forensics), and returns a record. It never
/// reboots: rebooting is the caller's, through its one guarded path.
/// </summary>
public sealed partial class TrialService
{
    private readonly IFileSteps _steps;
    private readonly TimeProvider _time;
    private readonly TextWriter _log;
    private GrubMenu? _menu;
    private ApplianceConfig? _config;
    private Running? _running;
    private QuarantineStore? _quarantine;

    /// <param name="root">The tree every path is resolved under (<c>--root</c>).</param>
    /// <param name="steps">How files are written durably.</param>
    /// <param name="time">The clock for journal records and the deadline.</param>
    /// <param name="log">Where hooks and the kexec loader report as they run.</param>
    public TrialService(string root, IFileSteps steps, TimeProvider time, TextWriter log)
    {
        Root = root;
        _steps = steps;
        _time = time;
        _log = log;
        Env = new GrubEnvFile(GrubEnvFile.DefaultPath(root), steps, time);
        Kernel = new KernelInfo(root);
        Journal = new BootJournal(StatePaths.Under(root, StatePaths.Boots), StatePaths.Under(root, StatePaths.BootTotals), steps, log);
    }

    public string Root { get; }

    public GrubEnvFile Env { get; }

    public KernelInfo Kernel { get; }

    public BootJournal Journal { get; }

    public GrubMenu Menu => _menu ??= MenuReader.Read(Root, null);

    /// <summary>/etc/appliance under the root; a bad config is an error (exit 78) naming file and line.</summary>
    public ApplianceConfig Config => _config ??= ConfigLoader.Load(Root);

    /// <summary>The trial state grubenv holds now.</summary>
    public TrialState State() => TrialState.From(Env.Read());

    /// <summary>The menu, or null with a warning: the validator must still work when grub.cfg cannot be read.</summary>
    public GrubMenu? MenuOrNull()
    {
        try
        {
            return Menu;
        }
        catch (Exception e) when (e is FileProblemException or GrubConfigException)
        {
            _log.WriteLine($"appliance: {e.Message}; cannot tell which entry is running, ignoring");
            return null;
        }
    }

    /// <summary>
    /// The entry the kernel command line matches, or null when unknown; worked out once per
    /// service. Where identical entries tie, the staged trial and then known-good win: they are
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

        var state = known ?? State();
        return RunningEntry.Match(
            menu.Entries.Map(e => new BootableEntry(e.Path, e.Kernel, e.Args)),
            Kernel.CommandLine(),
            Canonical(menu, state.Trial),
            Canonical(menu, state.Good));
    }

    private static string? Canonical(GrubMenu menu, string? reference) =>
        reference is null ? null : menu.Resolve(reference)?.Path;

    /// <summary>The running entry as grubenv should record it: its twin whose reference survives update-grub (<see cref="GrubMenu.Pinned"/>).</summary>
    private string? PinnedRunningEntryPath() =>
        RunningEntryPath() is { } running && MenuOrNull() is { } menu && menu.Resolve(running) is { } entry
            ? menu.Pinned(entry).Path
            : null;

    /// <summary>
    /// The running entry as grubenv should record it, when it is also what GRUB boots by itself
    /// (saved_entry where it names an entry, else the first entry); null for a boot somebody
    /// chose for once (grub-reboot, a key at the menu), which proves nothing about the default.
    /// </summary>
    private string? PinnedRunningDefaultPath(TrialState state)
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

    /// <summary>grubenv's trial state, how this boot came about, and the running entry.</summary>
    public (TrialState State, BootKind Kind, string? Running) Assess()
    {
        var state = State();
        string? running = RunningEntryPath(state);
        return (state, TrialMachine.Assess(state, running, Kernel.IsRescue()), running);
    }

    /// <summary>Applies an edit computed from the state read under the lock, so a concurrent change is not overwritten.</summary>
    private GrubEnvBlock Apply(Func<TrialState, EnvEdit> edit) =>
        Env.Update(block => edit(TrialState.From(block)).ApplyTo(block));

    /// <summary>
    /// Runs a write that follows a decision already in grubenv. Its failure (a read-only or full
    /// /var/lib/appliance, a hook directory that cannot be read) is reported, never thrown: the
    /// decision must still be carried out, and grubenv already tells the next boot what happened.
    /// </summary>
    private static void Secondary(List<string> problems, string what, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is FileProblemException or IOException or UnauthorizedAccessException)
        {
            problems.Add($"{what} failed: {e.Message}; the decision in grubenv stands");
        }
    }

    /// <summary>This boot's journal record, or null (with a problem noted) when the journal cannot be read.</summary>
    private BootRecord? FindThisBoot(string bootId, List<string> problems)
    {
        BootRecord? found = null;
        Secondary(problems, $"reading the boot journal in {Journal.Directory}", () => found = Journal.Find(bootId));
        return found;
    }

    private BootRecord Record(string bootId, TrialState state, BootKind kind, string? running, ValidationOutcome outcome, string message, IReadOnlyList<FailingCheck> failures, IReadOnlyList<string>? forensics = null) => new()
    {
        BootId = bootId,
        Time = _time.GetUtcNow(),
        Entry = running,
        Path = JournalNames.Of(kind),
        Result = JournalNames.Of(outcome),
        Message = message,
        Trial = state.Trial ?? state.Failed,
        TriesLeft = state.HasTrial ? state.Tries : null,
        FailingChecks = failures,
        Forensics = forensics ?? [],
    };

    /// <summary>Journals a decision already written to grubenv, then tells the operators' hooks (hooks.d/committed, rolled-back, rescue-entered, check-failing) before any reboot; both are secondary.</summary>
    private void Announce(BootRecord record, BootKind kind, ValidationOutcome outcome, string? knownGood, List<string> problems)
    {
        Secondary(problems, $"writing the boot journal in {Journal.Directory}", () => Journal.Write(record));
        Secondary(problems, "running the event hooks", () => Events.EventHooks.Fire(
            Root, Core.Events.BootEvents.ForValidation(outcome, kind, record, knownGood), Events.EventHooks.DefaultTimeout, _log, _time));
    }

    /// <summary>Runs the configured health checks within <paramref name="deadline"/>.</summary>
    private HealthOutcome RunChecks(TimeSpan deadline)
    {
        var report = new HealthCheckRunner(_time).RunAll(Config, Root, deadline, CancellationToken.None);
        return new HealthOutcome(
            report.Healthy,
            report.Failures.Map(c => new FailingCheck(c.Name, c.Result, c.Output)));
    }

    private const UnixFileMode RecordMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>One of the service's small JSON records (<see cref="StateJsonFile"/>), or null with the reason logged: status and the validator go on without it.</summary>
    private T? ReadRecordOrWarn<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string what, string remedy)
        where T : class
    {
        try
        {
            return StateJsonFile.Read(path, type, what, remedy);
        }
        catch (FileProblemException e)
        {
            _log.WriteLine($"appliance: {e.Message}; not shown, ignoring");
            return null;
        }
    }

    /// <summary>Replaces one of the service's small JSON records atomically and durably.</summary>
    private void WriteRecord<T>(string path, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        byte[] json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, type);
        new DurableFile(_steps).Replace(path, [.. json, (byte)'\n'], RecordMode);
    }

    /// <summary>
    /// Adds <paramref name="note"/> to this boot's journal record (how its decision was carried
    /// out: a kexec, or why it fell back to the firmware). Secondary: a failure is reported, never thrown.
    /// </summary>
    public IReadOnlyList<string> NoteOnThisBoot(string note)
    {
        var problems = new List<string>();
        Secondary(problems, $"adding to this boot's record in {Journal.Directory}", () =>
        {
            if (Journal.Find(Kernel.BootId()) is { } record)
            {
                Journal.Write(record with { Message = $"{record.Message}; {note}" });
            }
        });
        return problems;
    }
}
