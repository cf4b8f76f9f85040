using Appliance.Core.Boot;
using Appliance.Core.Journal;
using Appliance.Linux.Files;
using Appliance.Linux.Kernel;
using Appliance.Linux.Kexec;

namespace Appliance.Linux.Boot;

/// <summary>The init-time verbs: validate this boot, and the trial deadline.</summary>
public sealed partial class TrialService
{
    /// <summary>How often the deadline looks for the validator's record: cheap, and a small share of any sane deadline.</summary>
    private static readonly TimeSpan DeadlinePoll = TimeSpan.FromSeconds(5);

    /// <summary>Enough of a kernel log around the panic to see the oops and its call trace.</summary>
    private const int ForensicsLimitBytes = 64 * 1024;

    /// <summary>
    /// The validator. Idempotent: a boot already in the journal is reported again and nothing
    /// changes. The grubenv edit is written before the journal record: grubenv is what GRUB acts
    /// on, so after a power cut (or a journal that cannot be written) the machine still does the
    /// right thing, and the next boot's validator records what happened from grubenv.
    /// </summary>
    public TrialResult Validate(TimeSpan deadline)
    {
        var problems = new List<string>();
        string bootId = Kernel.BootId();
        if (FindThisBoot(bootId, problems) is { } done)
        {
            return new TrialResult(
                JournalNames.IsGood(done.Result) ? TrialEnd.Done : TrialEnd.NotGood,
                $"this boot was already validated: {done.Message}");
        }

        var (state, kind, running) = Assess();
        var notes = new List<string>();
        if (kind == BootKind.Trial && Config.Boot.ArmKexec)
        {
            // Armed before the checks run, so a panic during them already takes the fast path.
            ArmRescue(notes);
        }

        // Every boot that stays up is checked, the known-good one after a rollback too: its
        // health is what the operator wants to know next. A boot about to be left is not.
        var health = kind is BootKind.Rescue or BootKind.RejectedTrialRunning ? HealthOutcome.NotRun : RunChecks(deadline);
        string? window = null;
        if (kind == BootKind.Trial && health.Healthy && Config.Boot.Stability > TimeSpan.Zero && state.Trial is { } trial)
        {
            (health, window) = HoldStabilityWindow(trial, bootId, deadline, problems);
        }

        // The crashed trial's log: in the crash kernel from /proc/vmcore (and pstore); after a
        // rollback by GRUB's counter from pstore, which keeps a panic's log when no crash kernel
        // was loaded (efi-pstore on UEFI machines, ramoops). A plain boot saves and frees what
        // pstore holds too (a crash of the known-good kernel, as systemd-pstore would): left
        // there, it would be read after the next rollback as the trial's.
        var forensics = kind is BootKind.Rescue or BootKind.RolledBack or BootKind.Normal ? CollectForensics(notes) : null;
        // Decided on the state read under the grubenv lock, and that same decision is the one
        // reported and journalled: another appliance process may have changed grubenv since
        // Assess (an operator's abort while the checks ran).
        string? pinnable = kind == BootKind.Normal ? PinnedRunningDefaultPath(state) : null;
        var decision = TrialMachine.Decide(state, kind, health.Healthy, pinnable);
        Apply(current =>
        {
            decision = TrialMachine.Decide(current, kind, health.Healthy, pinnable);
            return decision.Edit;
        });
        if (decision.Outcome == ValidationOutcome.Committed && Config.Boot.ArmKexec)
        {
            DisarmRescue(notes);
        }

        // How the window ended belongs with the decision: the journal and status say why.
        string message = window is null ? decision.Message : $"{decision.Message} ({window})";
        var record = Record(bootId, state, kind, running, decision.Outcome, message, health.Failures, forensics?.Excerpts);
        Announce(record, kind, decision.Outcome, state.Good, problems);
        RecordIfFailed(state, kind, decision.Outcome, bootId, message, notes, problems);
        if (decision.Outcome == ValidationOutcome.Committed)
        {
            ReleaseCommitted(state, notes, problems);
        }

        AdvanceDrill(kind, health.Healthy, bootId, running, notes, problems);

        if (forensics is not null && problems.Count == 0)
        {
            // Only once the excerpt is in the journal may pstore's records be freed for the next crash.
            Secondary(problems, "freeing pstore records", () => Forensics.Forensics.ReleasePstore(forensics));
        }

        bool good = health.Healthy && JournalNames.IsGood(JournalNames.Of(decision.Outcome));
        return new TrialResult(good ? TrialEnd.Done : TrialEnd.NotGood, message, kind, decision.Outcome, decision.Reboot, health.Failures, notes, problems);
    }

    /// <summary>
    /// The trial deadline. Ends at once on any boot but a trial; on a trial, returns as soon as
    /// the validator has recorded this boot, and otherwise rejects the trial once the boot is
    /// <paramref name="deadline"/> old. The decision is taken under the grubenv lock, so a
    /// validator deciding at the same moment wins and nothing is rejected twice.
    /// </summary>
    public TrialResult Deadline(TimeSpan deadline)
    {
        var problems = new List<string>();
        string bootId = Kernel.BootId();
        var (state, kind, running) = Assess();
        if (kind != BootKind.Trial)
        {
            return new TrialResult(TrialEnd.NothingToDo, $"this is {TrialMachine.Describe(kind)}, not a trial boot; no deadline to watch", kind);
        }

        while (true)
        {
            if (FindThisBoot(bootId, problems) is { } done)
            {
                return new TrialResult(TrialEnd.Done, $"this boot was validated: {done.Message}", kind);
            }

            // Without the clock since power-on the deadline cannot be told; waiting on would
            // leave the trial unwatched with nobody told, so the unit fails loudly instead.
            if (Kernel.Uptime() is not { } age)
            {
                return new TrialResult(TrialEnd.CannotTell, $"cannot read the time since boot from {Kernel.UptimePath}; is /proc mounted? The trial is left to GRUB's countdown", kind);
            }

            var limit = StabilityWindow.DeadlineLimit(deadline, age, OpenStabilityWindow(), _time.GetUtcNow(), Config.Boot.ValidateDeadline);

            if (age >= limit)
            {
                break;
            }

            var wait = limit - age < DeadlinePoll ? limit - age : DeadlinePoll;
            Thread.Sleep(wait);
        }

        string pending = Systemd.PendingJobs(Root);
        ValidationDecision? decision = null;
        Apply(current =>
        {
            decision = current.Trial == state.Trial && current.Boot == TrialMachine.BootTrial
                ? TrialMachine.Overdue(current, kind, deadline, pending)
                : null;
            return decision?.Edit ?? EnvEdit.None;
        });
        if (decision is null)
        {
            return new TrialResult(TrialEnd.NothingToDo, "the trial was decided while the deadline ran out; nothing to do", kind);
        }

        Announce(Record(bootId, state, kind, running, decision.Outcome, decision.Message, []), kind, decision.Outcome, state.Good, problems);
        var notes = new List<string>();
        RecordIfFailed(state, kind, decision.Outcome, bootId, decision.Message, notes, problems);
        return new TrialResult(TrialEnd.NotGood, decision.Message, kind, decision.Outcome, Reboot: true, Notes: notes, Problems: problems);
    }

    /// <summary>
    /// Loads the known-good kernel as the crash kernel and makes the kernel panic on oops, soft
    /// lockups and hung tasks, so a trial that fails in those ways jumps straight into the rescue
    /// path. Failing to arm is not fatal: GRUB's try counter and the watchdog still cover the
    /// trial; the reason goes to the operator.
    /// </summary>
    private void ArmRescue(List<string> notes)
    {
        try
        {
            var (plan, _) = KexecService().Arm(null);
            PanicPolicy.Apply(Root, steps: _steps, time: _time);
            notes.Add($"armed kexec: a panic boots '{plan.Entry}' as the rescue kernel");
        }
        catch (Exception e) when (e is KexecException or Core.Kexec.KexecPlanException or FileProblemException or IOException or UnauthorizedAccessException)
        {
            notes.Add($"cannot arm kexec ({e.Message}); GRUB's try counter and the watchdog remain, ignoring");
        }
    }

    /// <summary>After a commit the trial is known-good: no rescue kernel, and the distro's panic settings back.</summary>
    private void DisarmRescue(List<string> notes)
    {
        try
        {
            PanicPolicy.Restore(Root, _steps);
            if (new KexecSysfs(Root).CrashLoaded() == true)
            {
                KexecService().Disarm();
            }
        }
        catch (Exception e) when (e is KexecException or FileProblemException or IOException or UnauthorizedAccessException)
        {
            notes.Add($"cannot disarm kexec after the commit ({e.Message}), ignoring");
        }
    }

    /// <summary>The crashed trial's panic log, from the crash kernel's /proc/vmcore or pstore, saved beside the journal.</summary>
    private Forensics.ForensicsResult? CollectForensics(List<string> notes)
    {
        try
        {
            var result = Forensics.Forensics.Collect(Root, ForensicsLimitBytes, _steps);
            notes.AddRange(result.Notes);
            return result;
        }
        catch (Exception e) when (e is FileProblemException or IOException or UnauthorizedAccessException)
        {
            notes.Add($"cannot save the panic log ({e.Message}), ignoring");
            return null;
        }
    }

    private KexecService KexecService() => new(Root, new LinuxKexecLoader(Root, _log), _steps, _time);
}
