using System.CommandLine;
using System.Text.Json;
using Appliance.Core.Json;

namespace Appliance.Cli.Commands;

/// <summary><c>appliance upgrade</c>: the remote kernel upgrade tool's verbs (stage, pin, status, commit, abort), over <see cref="Appliance.Linux.Boot.TrialService"/>.</summary>
public static class UpgradeCommands
{
    public static Command Build(CliContext context)
    {
        var upgrade = new Command("upgrade", "Stage a kernel as a trial, then commit or abort it");
        var json = CliContext.JsonOption("Print the result as one JSON object");

        var entry = new Argument<string>("ENTRY") { Description = "The menu entry to try: an id, a title, an index or a '>'-joined submenu path (see 'appliance entries')" };
        var tries = new Option<int?>("--tries") { Description = "How many boots the trial gets before GRUB returns to known-good (1-9; default [Boot] Tries, 3)" };
        var reboot = new Option<bool>("--reboot") { Description = "Reboot into the trial right away" };
        var force = new Option<bool>("--force") { Description = "Stage ENTRY even when its kernel build failed a trial before and is quarantined" };
        var stage = new Command("stage", "Stage ENTRY as a trial with N tries; the known-good entry stays the way back") { entry, tries, reboot, force, json };
        stage.SetAction(parsed => context.Guarded(() =>
        {
            string root = context.Root(parsed);
            bool rebootNow = parsed.GetValue(reboot);
            if (rebootNow)
            {
                CliContext.RequireRebootable(root);
            }

            var staged = context.Trials(parsed).Stage(parsed.GetRequiredValue(entry), parsed.GetValue(tries), parsed.GetValue(force));
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(staged.Report, ApplianceJsonContext.Default.StatusReport));
            }
            else
            {
                int n = staged.Tries;
                context.Output.WriteLine($"staged trial '{staged.Trial.Path}' ({staged.Trial.Title}) with {n} {(n == 1 ? "try" : "tries")}; known-good is '{staged.Good.Path}' ({staged.Good.Title})");
                context.Output.WriteLine(rebootNow ? "rebooting into the trial" : "reboot to try it; 'appliance upgrade abort' drops it");
            }

            foreach (string note in staged.Notes)
            {
                context.Error.WriteLine($"appliance: note: {note}");
            }

            foreach (string problem in staged.Problems)
            {
                context.Error.WriteLine($"appliance: {problem}");
            }

            if (rebootNow)
            {
                context.Reboot(root, $"trial '{staged.Trial.Path}' staged");
            }

            return staged.Problems.Count > 0 ? ExitCodes.IoError : ExitCodes.Ok;
        }));

        var status = new Command("status", "Show the trial state and how the last trial ended") { json };
        status.SetAction(parsed => context.Guarded(() => StatusCommand.Print(context, context.Trials(parsed), parsed.GetValue(json))));

        var commit = new Command("commit", "Make the running trial the known-good, default entry (what 'boot validate' does when checks pass)");
        commit.SetAction(parsed => context.Guarded(() => context.Report(context.Trials(parsed).Commit("upgrade commit"))));

        var abort = new Command("abort", "Drop the staged trial; the known-good entry boots next");
        abort.SetAction(parsed => context.Guarded(() => context.Report(context.Trials(parsed).Abort())));

        var pinEntry = new Argument<string?>("ENTRY") { Description = "The entry to pin (default: the running one)", Arity = ArgumentArity.ZeroOrOne };
        var ifUnset = new Option<bool>("--if-unset") { Description = "Do nothing when a known-good entry is already recorded (what the package's postinst runs)" };
        var pin = new Command("pin", "Record ENTRY (default: the running entry) as known-good: GRUB boots it whenever no trial runs, whatever kernel is newest") { pinEntry, ifUnset };
        pin.SetAction(parsed => context.Guarded(() =>
        {
            var pinned = context.Trials(parsed).Pin(parsed.GetValue(pinEntry), parsed.GetValue(ifUnset));
            context.Output.WriteLine(pinned.Message);
            if (pinned.Warning is { } warning)
            {
                context.Error.WriteLine($"appliance: {warning}");
            }

            return ExitCodes.Ok;
        }));

        var kernel = new Argument<string>("KERNEL") { Description = "A kernel release as 'appliance status' lists it (every build of it), or a kernel file such as /boot/vmlinuz-6.1.0-55-amd64 (that build)" };
        var forget = new Command("forget", "Take KERNEL off the quarantine list, so 'upgrade stage' accepts it again; exit 1 when it is not on it") { kernel };
        forget.SetAction(parsed => context.Guarded(() => Forget(context, context.Trials(parsed), parsed.GetRequiredValue(kernel))));

        upgrade.Subcommands.Add(stage);
        upgrade.Subcommands.Add(pin);
        upgrade.Subcommands.Add(status);
        upgrade.Subcommands.Add(commit);
        upgrade.Subcommands.Add(abort);
        upgrade.Subcommands.Add(forget);
        return upgrade;
    }

    /// <summary>Forgetting a kernel that is not quarantined finds nothing: exit 1, as 'env get' of an unset variable, so a script can tell.</summary>
    private static int Forget(CliContext context, Appliance.Linux.Boot.TrialService trials, string kernel)
    {
        var removed = trials.Forget(kernel);
        if (removed.Count == 0)
        {
            context.Error.WriteLine($"appliance: kernel '{kernel}' is not quarantined ('appliance status' lists those that are)");
            return ExitCodes.NotFound;
        }

        foreach (var entry in removed)
        {
            context.Output.WriteLine($"forgot kernel {entry.Identity}: 'upgrade stage' accepts it again (it had failed at {entry.Time:yyyy-MM-dd HH:mm:ss}Z: {entry.Reason})");
        }

        return ExitCodes.Ok;
    }
}
