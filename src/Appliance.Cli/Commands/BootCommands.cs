using System.CommandLine;
using Appliance.Core.Boot;
using Appliance.Core.Journal;
using Appliance.Linux.Kernel;

namespace Appliance.Cli.Commands;

/// <summary><c>appliance boot</c>: the init-time validator's verbs.</summary>
public static class BootCommands
{
    public static Command Build(CliContext context)
    {
        var boot = new Command("boot", "Decide whether this boot is good: validate, or mark it good or bad by hand");

        var deadline = new Option<int?>("--deadline") { Description = "Seconds the health checks may take in all (default: [Boot] ValidateDeadlineSec, 120)", HelpName = "SEC" };
        var noReboot = new Option<bool>("--no-reboot") { Description = "Record a failed trial but do not reboot" };
        var validate = new Command("validate", "Work out how this boot came about, run the health checks, then commit the trial or roll it back") { deadline, noReboot };
        validate.SetAction(parsed => context.Guarded(() =>
        {
            var services = new BootServices(context, context.Root(parsed));
            var settings = services.Config.Boot;
            var limit = parsed.GetValue(deadline) is int seconds ? TimeSpan.FromSeconds(seconds) : settings.ValidateDeadline;
            return Validate(context, services, limit, reboot: settings.RebootOnFailure && !parsed.GetValue(noReboot));
        }));

        var markGood = new Command("mark-good", "Commit the running trial without running the checks");
        markGood.SetAction(parsed => context.Guarded(() =>
        {
            string? committed = CommitByHand(new BootServices(context, context.Root(parsed)), "boot mark-good");
            context.Output.WriteLine(committed is null ? "no trial is staged; nothing to mark good" : $"committed '{committed}': it is now the known-good and default entry");
            return ExitCodes.Ok;
        }));

        var rebootOption = new Option<bool>("--reboot") { Description = "Reboot into the known-good entry right away" };
        var markBad = new Command("mark-bad", "Reject the trial: the known-good entry boots next") { rebootOption };
        markBad.SetAction(parsed => context.Guarded(() =>
        {
            var services = new BootServices(context, context.Root(parsed));
            var (state, kind, running) = services.Assess();
            if (!state.HasTrial)
            {
                context.Output.WriteLine("no trial is staged; nothing to mark bad");
                return ExitCodes.Ok;
            }

            services.Apply(TrialMachine.Reject);
            Record(services, state, kind, running, ValidationOutcome.Rejected, $"trial '{state.Trial}' marked bad by hand; '{state.Good}' boots next", []);
            context.Output.WriteLine($"rejected '{state.Trial}'; '{state.Good}' boots next");
            if (parsed.GetValue(rebootOption))
            {
                new Rebooter(services.Root, context.Error).Reboot($"trial '{state.Trial}' marked bad");
            }

            return ExitCodes.Ok;
        }));

        var watch = new Command("deadline", "On a trial boot, wait until it is validated; past [Boot] TrialDeadlineSec from power-on, reject the trial and reboot into known-good (appliance-trial-deadline.service)") { noReboot };
        watch.SetAction(parsed => context.Guarded(() =>
        {
            var services = new BootServices(context, context.Root(parsed));
            return Deadline(context, services, services.Config.Boot.TrialDeadline, reboot: !parsed.GetValue(noReboot));
        }));

        boot.Subcommands.Add(validate);
        boot.Subcommands.Add(watch);
        boot.Subcommands.Add(markGood);
        boot.Subcommands.Add(markBad);
        return boot;
    }

    /// <summary>
    /// The validator. Idempotent: a boot already in the journal is reported again and nothing
    /// changes. The grubenv edit is written before the journal record: grubenv is what GRUB acts
    /// on, so after a power cut between the two the machine still does the right thing.
    /// </summary>
    public static int Validate(CliContext context, BootServices services, TimeSpan deadline, bool reboot)
    {
        string bootId = services.Kernel.BootId();
        if (services.Journal.Find(bootId) is { } done)
        {
            context.Output.WriteLine($"this boot was already validated: {done.Message}");
            return ExitCodeOf(done.Result);
        }

        var (state, kind, running) = services.Assess();
        var notes = new List<string>();
        if (kind == BootKind.Trial && services.Config.Boot.ArmKexec)
        {
            // Armed before the checks run, so a panic during them already takes the fast path.
            services.ArmRescue(notes);
        }

        // Every boot that stays up is checked, the known-good one after a rollback too: its
        // health is what the operator wants to know next. A boot about to be left is not.
        var health = kind is BootKind.Rescue or BootKind.RejectedTrialRunning ? HealthOutcome.NotRun : services.RunChecks(deadline);
        var forensics = kind == BootKind.Rescue ? services.CollectForensics(notes) : null;
        // Decided on the state read under the grubenv lock, and that same decision is the one
        // reported and journalled: another appliance process may have changed grubenv since
        // Assess (an operator's abort while the checks ran).
        string? pinnable = kind == BootKind.Normal ? services.PinnedRunningDefaultPath(state) : null;
        var decision = TrialMachine.Decide(state, kind, health.Healthy, pinnable);
        services.Apply(current =>
        {
            decision = TrialMachine.Decide(current, kind, health.Healthy, pinnable);
            return decision.Edit;
        });
        if (decision.Outcome == ValidationOutcome.Committed && services.Config.Boot.ArmKexec)
        {
            services.DisarmRescue(notes);
        }

        Record(services, state, kind, running, decision.Outcome, decision.Message, health.Failures, forensics?.Excerpts ?? []);

        // Operators' hooks (hooks.d/committed, rolled-back, rescue-entered, check-failing) hear of the decision once it is recorded and before any reboot; they are bounded by the hook timeout.
        Appliance.Linux.Events.EventHooks.Fire(services.Root, Appliance.Core.Events.BootEvents.ForValidation(decision.Outcome, kind, services.Journal.Find(bootId), state.Good), Appliance.Linux.Events.EventHooks.DefaultTimeout, context.Error, context.Time);

        if (forensics is not null)
        {
            // Only now that the excerpt is in the journal may pstore's records be freed for the next crash.
            Appliance.Linux.Forensics.Forensics.ReleasePstore(forensics);
        }

        context.Output.WriteLine($"appliance: {decision.Message}");
        foreach (var failure in health.Failures)
        {
            context.Error.WriteLine($"appliance: check {failure.Name}: {Appliance.Core.Health.HealthEvaluator.Label(failure.Result)}{(failure.Output.Length > 0 ? ": " + failure.Output.Trim() : "")}");
        }

        foreach (string note in notes)
        {
            context.Error.WriteLine($"appliance: {note}");
        }

        if (decision.Reboot && reboot)
        {
            new Rebooter(services.Root, context.Error).Reboot(decision.Message);
        }

        return health.Healthy ? ExitCodeOf(JournalNames.Of(decision.Outcome)) : ExitCodes.BootNotGood;
    }

    /// <summary>How often the deadline looks for the validator's record: cheap, and a small share of any sane deadline.</summary>
    private static readonly TimeSpan DeadlinePoll = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The trial deadline. Ends at once on any boot but a trial; on a trial, returns as soon as
    /// the validator has recorded this boot, and otherwise rejects the trial once the boot is
    /// <paramref name="deadline"/> old. The decision is taken under the grubenv lock, so a
    /// validator deciding at the same moment wins and nothing is rejected twice.
    /// </summary>
    public static int Deadline(CliContext context, BootServices services, TimeSpan deadline, bool reboot)
    {
        string bootId = services.Kernel.BootId();
        var (state, kind, running) = services.Assess();
        if (kind != BootKind.Trial)
        {
            context.Output.WriteLine($"appliance: this is {TrialMachine.Describe(kind)}, not a trial boot; no deadline to watch");
            return ExitCodes.Ok;
        }

        while (true)
        {
            if (services.Journal.Find(bootId) is { } done)
            {
                context.Output.WriteLine($"appliance: this boot was validated: {done.Message}");
                return ExitCodes.Ok;
            }

            // Without the clock since power-on the deadline cannot be told; waiting on would
            // leave the trial unwatched with nobody told, so the unit fails loudly instead.
            if (services.Kernel.Uptime() is not { } age)
            {
                context.Error.WriteLine($"appliance: cannot read the time since boot from {services.Kernel.UptimePath}; is /proc mounted? The trial is left to GRUB's countdown");
                return ExitCodes.OsError;
            }

            if (age >= deadline)
            {
                break;
            }

            var wait = deadline - age < DeadlinePoll ? deadline - age : DeadlinePoll;
            Thread.Sleep(wait);
        }

        string pending = Systemd.PendingJobs(services.Root);
        ValidationDecision? decision = null;
        services.Apply(current =>
        {
            decision = current.Trial == state.Trial && current.Boot == TrialMachine.BootTrial
                ? TrialMachine.Overdue(current, kind, deadline, pending)
                : null;
            return decision?.Edit ?? EnvEdit.None;
        });
        if (decision is null)
        {
            context.Output.WriteLine("appliance: the trial was decided while the deadline ran out; nothing to do");
            return ExitCodes.Ok;
        }

        Record(services, state, kind, running, decision.Outcome, decision.Message, []);
        Appliance.Linux.Events.EventHooks.Fire(services.Root, Appliance.Core.Events.BootEvents.ForValidation(decision.Outcome, kind, services.Journal.Find(bootId), state.Good), Appliance.Linux.Events.EventHooks.DefaultTimeout, context.Error, context.Time);
        context.Output.WriteLine($"appliance: {decision.Message}");
        if (reboot)
        {
            new Rebooter(services.Root, context.Error).Reboot(decision.Message);
        }

        return ExitCodes.BootNotGood;
    }

    /// <summary>
    /// A commit by hand (<c>boot mark-good</c>, <c>upgrade commit</c>): one path for both, journaled
    /// like a validated commit. Returns the committed entry, or null when no trial is staged.
    /// </summary>
    internal static string? CommitByHand(BootServices services, string command)
    {
        var (state, kind, running) = services.Assess();
        if (!state.HasTrial)
        {
            return null;
        }

        services.Apply(current => TrialMachine.Commit(current, kind));
        Record(services, state, kind, running, ValidationOutcome.Committed, $"trial '{state.Trial}' committed by hand ('appliance {command}'); it is now the known-good entry", []);
        return state.Trial;
    }

    private static void Record(BootServices services, TrialState state, BootKind kind, string? running, ValidationOutcome outcome, string message, IReadOnlyList<FailingCheck> failures, IReadOnlyList<string>? forensics = null) =>
        services.Journal.Write(new BootRecord
        {
            BootId = services.Kernel.BootId(),
            Time = services.Now(),
            Entry = running,
            Path = JournalNames.Of(kind),
            Result = JournalNames.Of(outcome),
            Message = message,
            Trial = state.Trial ?? state.Failed,
            TriesLeft = state.HasTrial ? state.Tries : null,
            FailingChecks = failures,
            Forensics = forensics ?? [],
        });

    /// <summary>0 when the machine ends up on a healthy known-good or committed kernel; 1 when this boot is not good (so boot-complete.target is not reached).</summary>
    private static int ExitCodeOf(string result) => result is "unhealthy" or "rejected" ? ExitCodes.BootNotGood : ExitCodes.Ok;
}
