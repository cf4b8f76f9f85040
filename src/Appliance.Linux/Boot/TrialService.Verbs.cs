using Appliance.Core.Boot;
using Appliance.Core.Collections;
using Appliance.Core.Kexec;
using Appliance.Core.Menu;
using Appliance.Core.Status;
using Appliance.Linux.Files;
using Appliance.Linux.Menu;
using Appliance.Linux.Storage;
using GrubMenu = Appliance.Core.Menu.Menu;

namespace Appliance.Linux.Boot;

/// <summary>The upgrade tool's verbs (stage, pin, commit, abort) and the validator's by-hand ones (mark-good, mark-bad).</summary>
public sealed partial class TrialService
{
    /// <summary>
    /// Stages <paramref name="reference"/> as a trial with <paramref name="tries"/> (default
    /// [Boot] Tries). Refused, writing nothing, when grub.cfg lacks Appliance's block, the entry's
    /// files are missing, GRUB cannot write grubenv where it lives, or the entry's kernel build
    /// is quarantined (unless <paramref name="force"/>).
    /// </summary>
    public StageResult Stage(string reference, int? tries, bool force = false)
    {
        var menu = Menu;
        RequireGrubContract(menu);
        var trial = menu.Pinned(ResolveEntry(menu, reference));
        var notes = RequireFiles(trial);
        RequireWritableGrubenv();
        CheckQuarantine(trial, force, notes);

        var good = KnownGood(menu, State());
        int n = tries ?? Config.Boot.Tries;
        Apply(current => TrialMachine.Stage(current, trial.Path, good.Path, n));

        var after = State();
        var problems = new List<string>();
        IReadOnlyList<Core.Journal.BootRecord> boots = [];
        Secondary(problems, $"reading the boot journal in {Journal.Directory}", () => boots = Journal.All());
        var report = StatusReport.From(after, RunningEntryPath(after), boots) with { Quarantined = QuarantinedOrWarn() };
        string message = $"trial '{trial.Path}' staged with {n} {(n == 1 ? "try" : "tries")}; known-good is '{good.Path}'";
        // Operators' hooks (hooks.d/trial-staged) hear of the trial before any reboot.
        Secondary(problems, "running the event hooks", () => Events.EventHooks.Fire(
            Root, Core.Events.BootEvents.ForStage(trial.Path, good.Path, n, report.RunningEntry, _time.GetUtcNow(), message), Events.EventHooks.DefaultTimeout, _log, _time));
        return new StageResult(trial, good, n, report, problems, notes);
    }

    /// <summary>
    /// Records <paramref name="reference"/> (default: the running entry) as known-good. With
    /// <paramref name="ifUnset"/>, a known-good already recorded is left alone.
    /// </summary>
    public PinResult Pin(string? reference, bool ifUnset)
    {
        var state = State();
        if (ifUnset && state.Good is not null)
        {
            return new PinResult(null, $"known-good is already '{state.Good}'; left as it is", null);
        }

        var menu = Menu;
        MenuEntry chosen = reference is not null
            ? Resolve(menu, reference)
            : RunningEntryPath(state) is { } running && menu.Resolve(running) is { } found
                ? found
                : throw new TrialException(TrialErrorKind.Invalid, $"the running kernel matches no entry of {menu.ConfigPath}; name the entry to pin ('appliance entries' lists them)");
        var good = menu.Pinned(chosen);
        RequireFiles(good);
        Apply(current => TrialMachine.Pin(current, good.Path));
        return new PinResult(
            good,
            $"known-good is '{good.Path}' ({good.Title}); GRUB boots it whenever no trial runs",
            menu.ApplianceContract is null ? GrubContract.Problem(null) : null);
    }

    /// <summary>
    /// A commit by hand (<c>boot mark-good</c>, <c>upgrade commit</c>): one path for both,
    /// journaled like a validated commit.
    /// </summary>
    public TrialResult Commit(string command)
    {
        var (state, kind, running) = Assess();
        if (!state.HasTrial)
        {
            return new TrialResult(TrialEnd.NothingToDo, "no trial is staged; nothing to commit", kind);
        }

        Apply(current => TrialMachine.Commit(current, kind));
        // What follows is what the validator's commit does: the trial is known-good now, so
        // the rescue kernel and the trial's panic settings go, and the journal and hooks hear of it.
        var notes = new List<string>();
        if (Config.Boot.ArmKexec)
        {
            DisarmRescue(notes);
        }

        var problems = new List<string>();
        ReleaseCommitted(state, notes, problems);
        string message = $"trial '{state.Trial}' committed by hand ('appliance {command}'); it is now the known-good entry";
        Announce(Record(Kernel.BootId(), state, kind, running, ValidationOutcome.Committed, message, []), kind, ValidationOutcome.Committed, state.Good, problems);
        return new TrialResult(TrialEnd.Done, $"committed '{state.Trial}': it is now the known-good and default entry", kind, ValidationOutcome.Committed, Notes: notes, Problems: problems);
    }

    /// <summary>Drops the staged trial; known-good boots next. Not journalled: no boot was judged.</summary>
    public TrialResult Abort()
    {
        var (state, kind, _) = Assess();
        if (!state.HasTrial)
        {
            return new TrialResult(TrialEnd.NothingToDo, "no trial is staged; nothing to abort", kind);
        }

        Apply(TrialMachine.Abort);
        return new TrialResult(TrialEnd.Done, kind == BootKind.Trial
            ? $"aborted the trial of '{state.Trial}', which is running now: reboot to return to '{state.Good}'"
            : $"aborted the trial of '{state.Trial}'; '{state.Good}' boots next", kind);
    }

    /// <summary>Rejects the trial by hand (<c>boot mark-bad</c>): known-good boots next; journaled and announced like a rejection.</summary>
    public TrialResult MarkBad()
    {
        var (state, kind, running) = Assess();
        if (!state.HasTrial)
        {
            return new TrialResult(TrialEnd.NothingToDo, "no trial is staged; nothing to mark bad", kind);
        }

        Apply(TrialMachine.Reject);
        var problems = new List<string>();
        var notes = new List<string>();
        string bootId = Kernel.BootId();
        string message = $"trial '{state.Trial}' marked bad by hand; '{state.Good}' boots next";
        Secondary(problems, $"writing the boot journal in {Journal.Directory}", () => Journal.Write(
            Record(bootId, state, kind, running, ValidationOutcome.Rejected, message, [])));
        RecordFailure(state, MarkedBad, bootId, message, notes, problems);
        return new TrialResult(TrialEnd.Done, $"rejected '{state.Trial}'; '{state.Good}' boots next", kind, ValidationOutcome.Rejected, Reboot: true, Notes: notes, Problems: problems);
    }

    /// <summary>The entry a reference names; a usage error naming grub.cfg when none does.</summary>
    public static MenuEntry Resolve(GrubMenu menu, string reference) =>
        menu.Resolve(reference) ?? throw NoSuchEntry(menu, reference);

    private static TrialException NoSuchEntry(GrubMenu menu, string reference) =>
        new(TrialErrorKind.Invalid, $"no menu entry '{reference}' in {menu.ConfigPath}; 'appliance entries' lists them");

    /// <summary>
    /// <see cref="Resolve"/> for a trial: a reference that names a submenu is refused, because
    /// which kernel GRUB boots for it (the submenu's first) changes with the next update-grub.
    /// </summary>
    private static MenuEntry ResolveEntry(GrubMenu menu, string reference)
    {
        var lookup = menu.Lookup(reference);
        if (lookup.Submenu is { } submenu)
        {
            var children = submenu.Children.Filter(c => c.Entry is not null).Map(c => $"  {c.Path}  ({c.Title})");
            throw new TrialException(
                TrialErrorKind.Invalid,
                $"'{reference}' is the submenu '{submenu.Title}', not a kernel entry; stage one of its entries:\n{string.Join("\n", children)}");
        }

        return lookup.Entry ?? throw NoSuchEntry(menu, reference);
    }

    /// <summary>
    /// The entry to return to: the one Appliance committed or pinned last, else the running
    /// entry (it did boot), else the distro's saved default, else GRUB's first entry. Always recorded by the reference
    /// that keeps naming that kernel (<see cref="GrubMenu.Pinned"/>): a rollback must never land
    /// on whatever kernel is newest after the next update-grub.
    /// </summary>
    private MenuEntry KnownGood(GrubMenu menu, TrialState state)
    {
        foreach (string? candidate in new[] { state.Good, RunningEntryPath(state), state.SavedEntry })
        {
            if (candidate is not null && menu.Resolve(candidate) is { Kernel: not null } found)
            {
                return menu.Pinned(found);
            }
        }

        // Nothing recorded and nothing running to go by (an image staged from a build host):
        // what GRUB boots by itself, its first entry.
        return menu.Entries.Find(e => e.Kernel is not null) is { } first
            ? menu.Pinned(first)
            : throw new TrialException(TrialErrorKind.Invalid, $"{menu.ConfigPath} has no bootable entry to fall back to");
    }

    /// <summary>A grub.cfg without Appliance's block would boot the trial untracked: refused, writing nothing.</summary>
    private static void RequireGrubContract(GrubMenu menu)
    {
        if (GrubContract.Problem(menu.ApplianceContract) is { } problem)
        {
            throw new FileProblemException(FileProblemKind.Unsupported, menu.ConfigPath ?? "grub.cfg", problem);
        }
    }

    /// <summary>
    /// Refuses an entry whose kernel or initrd is missing or unreadable, or whose kernel is no
    /// kernel (BootFiles.Resolve maps GRUB's paths to files under the root); returns what could
    /// not be checked.
    /// </summary>
    private List<string> RequireFiles(MenuEntry entry)
    {
        var notes = new List<string>();
        if (entry.Kernel is null)
        {
            throw new TrialException(TrialErrorKind.Invalid, $"entry '{entry.Path}' loads no kernel (no linux line); only kernel entries can be tried");
        }

        var files = new List<string>(entry.Initrd.Count + 1) { entry.Kernel };
        files.AddRange(entry.Initrd);
        foreach (string file in files)
        {
            if (file.Contains('$'))
            {
                notes.Add($"'{file}' of entry '{entry.Path}' names a GRUB variable, which only GRUB can expand; it was not checked, so make sure it exists before rebooting");
                continue;
            }

            string found;
            try
            {
                found = BootFiles.Resolve(Root, file, _ => null, entry.Path);
            }
            catch (KexecPlanException e)
            {
                throw new FileProblemException(FileProblemKind.Missing, file, $"{e.Message}; install the kernel first");
            }

            string? problem;
            try
            {
                using var stream = File.OpenRead(found);
                var head = new byte[KernelImage.HeaderBytes];
                int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
                problem = file == entry.Kernel ? KernelImage.Problem(head.AsSpan(0, read), stream.Length) : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw FileProblems.From(e, found, what: $"file '{file}' of entry '{entry.Path}' cannot be read");
            }

            if (problem is not null)
            {
                throw new FileProblemException(FileProblemKind.Corrupt, found, $"the kernel of entry '{entry.Path}' cannot boot: {problem}");
            }
        }

        return notes;
    }

    private void RequireWritableGrubenv()
    {
        string grubDir = Path.GetDirectoryName(Path.GetRelativePath(Root, Env.Path)) ?? "boot/grub";
        var storage = new MountProbe(Root).Probe("/" + grubDir.Replace('\\', '/'));
        if (storage is not null && GrubenvWritability.Problem(storage) is { } problem)
        {
            throw new FileProblemException(FileProblemKind.Unsupported, Env.Path, $"GRUB cannot record trial boots here: {problem}");
        }
    }
}
