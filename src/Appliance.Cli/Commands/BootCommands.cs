using System.CommandLine;
using Appliance.Core.Boot;
using Appliance.Core.Kexec;
using Appliance.Linux.Boot;
using Appliance.Linux.Kernel;
using Appliance.Linux.Kexec;
using Appliance.Linux.Watchdog;

namespace Appliance.Cli.Commands;

/// <summary><c>appliance boot</c>: the init-time validator's verbs, over <see cref="TrialService"/>.</summary>
public static class BootCommands
{
    public static Command Build(CliContext context)
    {
        var boot = new Command("boot", "Decide whether this boot is good: validate, or mark it good or bad by hand");

        var deadline = CliContext.DeadlineOption("Seconds the health checks may take in all (default: [Boot] ValidateDeadlineSec, 120)");
        var noReboot = new Option<bool>("--no-reboot") { Description = "Record a failed trial but do not reboot" };
        var validate = new Command("validate", "Work out how this boot came about, run the health checks, then commit the trial or roll it back") { deadline, noReboot };
        validate.SetAction(parsed => context.Guarded(() =>
        {
            var trials = context.Trials(parsed);
            var settings = trials.Config.Boot;
            var limit = parsed.GetValue(deadline) is int seconds ? TimeSpan.FromSeconds(seconds) : settings.ValidateDeadline;
            var result = trials.Validate(limit);
            int code = context.Report(result, "appliance: ");
            LeaveForKnownGood(context, parsed, trials, result, settings.RebootOnFailure && !parsed.GetValue(noReboot));
            return code;
        }));

        var markGood = new Command("mark-good", "Commit the running trial without running the checks");
        markGood.SetAction(parsed => context.Guarded(() => context.Report(context.Trials(parsed).Commit("boot mark-good"))));

        var rebootOption = new Option<bool>("--reboot") { Description = "Reboot into the known-good entry right away" };
        var markBad = new Command("mark-bad", "Reject the trial: the known-good entry boots next") { rebootOption };
        markBad.SetAction(parsed => context.Guarded(() =>
        {
            string root = context.Root(parsed);
            bool reboot = parsed.GetValue(rebootOption);
            if (reboot)
            {
                CliContext.RequireRebootable(root);
            }

            var result = context.Trials(parsed).MarkBad();
            int code = context.Report(result);
            if (reboot && result.Reboot)
            {
                context.Reboot(root, result.Message);
            }

            return code;
        }));

        var watch = new Command("deadline", "On a trial boot, wait until it is validated; past [Boot] TrialDeadlineSec from power-on, reject the trial and reboot into known-good (appliance-trial-deadline.service)") { noReboot };
        watch.SetAction(parsed => context.Guarded(() =>
        {
            var trials = context.Trials(parsed);
            var result = trials.Deadline(trials.Config.Boot.TrialDeadline);
            int code = context.Report(result, "appliance: ");
            LeaveForKnownGood(context, parsed, trials, result, !parsed.GetValue(noReboot));
            return code;
        }));

        boot.Subcommands.Add(validate);
        boot.Subcommands.Add(watch);
        boot.Subcommands.Add(markGood);
        boot.Subcommands.Add(markBad);
        return boot;
    }

    /// <summary>
    /// Carries out a rejection that wants the machine back on known-good (the validator's, or the
    /// trial deadline's): by kexec when the exit allows it ([Boot] RescueByKexec in the rescue
    /// kernel, RejectByKexec elsewhere), else, or when the kexec fails, through the firmware.
    /// </summary>
    private static void LeaveForKnownGood(CliContext context, ParseResult parsed, TrialService trials, TrialResult result, bool allowed)
    {
        var settings = trials.Config.Boot;
        bool kexec = result.Kind == BootKind.Rescue ? settings.RescueByKexec : settings.RejectByKexec;
        if (allowed && kexec && result is { Reboot: true, Outcome: ValidationOutcome.Rejected } && RunningSystem.Is(trials.Root)
            && (result.Kind == BootKind.Rescue ? LeaveRescueByKexec(context, parsed, trials, result) : KexecIntoKnownGood(context, parsed, trials, result)))
        {
            return;
        }

        RebootIfWanted(context, trials.Root, result, allowed);
    }

    /// <summary>
    /// A rejected trial back to known-good without a firmware pass ([Boot] RejectByKexec): the
    /// rejection is already in grubenv, so <see cref="KnownGoodExit"/> enters known-good's kernel
    /// by kexec (systemctl kexec under systemd), noting it in this boot's journal record. True
    /// once systemd has taken the kexec over; false when the kexec failed: the caller then
    /// reboots through the firmware and GRUB, and the journal and the console say why.
    /// </summary>
    private static bool KexecIntoKnownGood(CliContext context, ParseResult parsed, TrialService trials, TrialResult result)
    {
        var exit = new KnownGoodExit(KexecCommands.Service(context, parsed));
        var outcome = exit.Leave(result.Message, KnownGoodExitWords.Reject, note =>
        {
            ReportProblems(context, trials.NoteOnThisBoot(note));
            context.Output.Flush();
        });
        if (outcome.Failure is { } failure)
        {
            context.Error.WriteLine($"appliance: kexec into known-good failed ({failure}); rebooting through the firmware, GRUB boots known-good");
        }

        return outcome.Kexeced;
    }

    /// <summary>
    /// The rescue kernel's way out ([Boot] RescueByKexec): a soft kexec into known-good with the
    /// whole machine's memory map, or the firmware reboot when that is unsafe or fails
    /// (<see cref="RescueExit"/>); each note goes to the console and the rescue's journal record.
    /// True once systemd has taken the kexec over; false when the caller must reboot.
    /// </summary>
    private static bool LeaveRescueByKexec(CliContext context, ParseResult parsed, TrialService trials, TrialResult result)
    {
        var exit = new RescueExit(KexecCommands.Service(context, parsed), new RunningWatchdogs(trials.Root));
        var way = exit.Leave(result.Message, note =>
        {
            context.Error.WriteLine($"appliance: {note}");
            ReportProblems(context, trials.NoteOnThisBoot(note));
            context.Output.Flush();
            context.Error.Flush();
        });
        return way == RescueRebootKind.Soft;
    }

    private static void ReportProblems(CliContext context, IReadOnlyList<string> problems)
    {
        foreach (string problem in problems)
        {
            context.Error.WriteLine($"appliance: {problem}");
        }
    }

    /// <summary>
    /// Carries out a decision that wants a reboot into known-good. On a tree that is not the
    /// running system (an image checked from a build host) the decision stays in that tree's
    /// grubenv and the host is left alone, with a line saying so.
    /// </summary>
    private static void RebootIfWanted(CliContext context, string root, TrialResult result, bool allowed)
    {
        if (!result.Reboot || !allowed)
        {
            return;
        }

        if (!RunningSystem.Is(root))
        {
            context.Error.WriteLine($"appliance: not rebooting: --root {root} is not the running system; the decision is in its grubenv");
            return;
        }

        context.Reboot(root, result.Message);
    }
}
