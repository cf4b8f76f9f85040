using System.CommandLine;
using System.Text.Json;
using Appliance.Core.Boot;
using Appliance.Core.Collections;
using Appliance.Core.Json;
using Appliance.Core.Menu;
using GrubMenu = Appliance.Core.Menu.Menu;
using Appliance.Core.Status;
using Appliance.Linux.Files;
using Appliance.Core.Kexec;
using Appliance.Linux.Kernel;
using Appliance.Linux.Menu;
using Appliance.Linux.Storage;

namespace Appliance.Cli.Commands;

/// <summary><c>appliance upgrade</c>: the remote kernel upgrade tool's verbs (stage, status, commit, abort).</summary>
public static class UpgradeCommands
{
    public static Command Build(CliContext context)
    {
        var upgrade = new Command("upgrade", "Stage a kernel as a trial, then commit or abort it");
        var json = CliContext.JsonOption("Print the result as one JSON object");

        var entry = new Argument<string>("ENTRY") { Description = "The menu entry to try: an id, a title, an index or a '>'-joined submenu path (see 'appliance entries')" };
        var tries = new Option<int?>("--tries") { Description = "How many boots the trial gets before GRUB returns to known-good (1-9; default [Boot] Tries, 3)" };
        var reboot = new Option<bool>("--reboot") { Description = "Reboot into the trial right away" };
        var stage = new Command("stage", "Stage ENTRY as a trial with N tries; the known-good entry stays the way back") { entry, tries, reboot, json };
        stage.SetAction(parsed => context.Guarded(() =>
        {
            var services = new BootServices(context, context.Root(parsed));
            var menu = services.Menu;
            RequireGrubContract(menu);
            var trial = menu.Pinned(Resolve(menu, parsed.GetRequiredValue(entry)));
            RequireFiles(services.Root, trial);
            RequireWritableGrubenv(services);

            var state = Appliance.Core.Boot.TrialState.From(services.Env.Read());
            var good = KnownGood(services, menu, state);
            int n = parsed.GetValue(tries) ?? services.Config.Boot.Tries;
            services.Apply(current => TrialMachine.Stage(current, trial.Path, good.Path, n));

            var after = Appliance.Core.Boot.TrialState.From(services.Env.Read());
            var report = StatusReport.From(after, services.RunningEntryPath(after), services.Journal.All());
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(report, ApplianceJsonContext.Default.StatusReport));
            }
            else
            {
                context.Output.WriteLine($"staged trial '{trial.Path}' ({trial.Title}) with {n} {(n == 1 ? "try" : "tries")}; known-good is '{good.Path}' ({good.Title})");
                context.Output.WriteLine(parsed.GetValue(reboot) ? "rebooting into the trial" : "reboot to try it; 'appliance upgrade abort' drops it");
            }

            // Operators' hooks (hooks.d/trial-staged) hear of the trial before any reboot; they are bounded by the hook timeout.
            Appliance.Linux.Events.EventHooks.Fire(services.Root, Appliance.Core.Events.BootEvents.ForStage(trial.Path, good.Path, n, report.RunningEntry, services.Now(), $"trial '{trial.Path}' staged with {n} {(n == 1 ? "try" : "tries")}; known-good is '{good.Path}'"), Appliance.Linux.Events.EventHooks.DefaultTimeout, context.Error, context.Time);

            if (parsed.GetValue(reboot))
            {
                new Rebooter(services.Root, context.Error).Reboot($"trial '{trial.Path}' staged");
            }

            return ExitCodes.Ok;
        }));

        var status = new Command("status", "Show the trial state and how the last trial ended") { json };
        status.SetAction(parsed => context.Guarded(() => StatusCommand.Print(context, context.Root(parsed), parsed.GetValue(json))));

        var commit = new Command("commit", "Make the running trial the known-good, default entry (what 'boot validate' does when checks pass)");
        commit.SetAction(parsed => context.Guarded(() =>
        {
            string? committed = BootCommands.CommitByHand(new BootServices(context, context.Root(parsed)), "upgrade commit");
            context.Output.WriteLine(committed is null ? "no trial is staged; nothing to commit" : $"committed '{committed}': it is now the known-good and default entry");
            return ExitCodes.Ok;
        }));

        var abort = new Command("abort", "Drop the staged trial; the known-good entry boots next");
        abort.SetAction(parsed => context.Guarded(() =>
        {
            var services = new BootServices(context, context.Root(parsed));
            var (state, kind, _) = services.Assess();
            if (!state.HasTrial)
            {
                context.Output.WriteLine("no trial is staged; nothing to abort");
                return ExitCodes.Ok;
            }

            services.Apply(TrialMachine.Abort);
            context.Output.WriteLine(kind == BootKind.Trial
                ? $"aborted the trial of '{state.Trial}', which is running now: reboot to return to '{state.Good}'"
                : $"aborted the trial of '{state.Trial}'; '{state.Good}' boots next");
            return ExitCodes.Ok;
        }));

        var pinEntry = new Argument<string?>("ENTRY") { Description = "The entry to pin (default: the running one)", Arity = ArgumentArity.ZeroOrOne };
        var ifUnset = new Option<bool>("--if-unset") { Description = "Do nothing when a known-good entry is already recorded (what the package's postinst runs)" };
        var pin = new Command("pin", "Record ENTRY (default: the running entry) as known-good: GRUB boots it whenever no trial runs, whatever kernel is newest") { pinEntry, ifUnset };
        pin.SetAction(parsed => context.Guarded(() =>
        {
            var services = new BootServices(context, context.Root(parsed));
            var state = Appliance.Core.Boot.TrialState.From(services.Env.Read());
            if (parsed.GetValue(ifUnset) && state.Good is not null)
            {
                context.Output.WriteLine($"known-good is already '{state.Good}'; left as it is");
                return ExitCodes.Ok;
            }

            var menu = services.Menu;
            MenuEntry chosen = parsed.GetValue(pinEntry) is { } reference
                ? Resolve(menu, reference)
                : services.RunningEntryPath(state) is { } running && menu.Resolve(running) is { } found
                    ? found
                    : throw new UsageException($"the running kernel matches no entry of {menu.ConfigPath}; name the entry to pin ('appliance entries' lists them)");
            var good = menu.Pinned(chosen);
            RequireFiles(services.Root, good);
            services.Apply(current => TrialMachine.Pin(current, good.Path));
            context.Output.WriteLine($"known-good is '{good.Path}' ({good.Title}); GRUB boots it whenever no trial runs");
            if (menu.ApplianceContract is null)
            {
                context.Error.WriteLine($"appliance: {GrubContract.Problem(null)}");
            }

            return ExitCodes.Ok;
        }));

        upgrade.Subcommands.Add(stage);
        upgrade.Subcommands.Add(pin);
        upgrade.Subcommands.Add(status);
        upgrade.Subcommands.Add(commit);
        upgrade.Subcommands.Add(abort);
        return upgrade;
    }

    internal static MenuEntry Resolve(GrubMenu menu, string reference) =>
        menu.Resolve(reference) ?? throw new UsageException(
            $"no menu entry '{reference}' in {menu.ConfigPath}; 'appliance entries' lists them");

    /// <summary>
    /// The entry to return to: the one Appliance committed or pinned last, else the running
    /// entry (it did boot), else the distro's saved default, else GRUB's first entry. Always recorded by the reference
    /// that keeps naming that kernel (<see cref="GrubMenu.Pinned"/>): a rollback must never land
    /// on whatever kernel is newest after the next update-grub.
    /// </summary>
    private static MenuEntry KnownGood(BootServices services, GrubMenu menu, Appliance.Core.Boot.TrialState state)
    {
        foreach (string? candidate in new[] { state.Good, services.RunningEntryPath(state), state.SavedEntry })
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
            : throw new UsageException($"{menu.ConfigPath} has no bootable entry to fall back to");
    }

    /// <summary>A grub.cfg without Appliance's block would boot the trial untracked: refused, writing nothing.</summary>
    private static void RequireGrubContract(GrubMenu menu)
    {
        if (GrubContract.Problem(menu.ApplianceContract) is { } problem)
        {
            throw new FileProblemException(FileProblemKind.Unsupported, menu.ConfigPath ?? "grub.cfg", problem);
        }
    }

    /// <summary>The entry's kernel and initrds must exist and be readable (BootFiles.Resolve maps GRUB's paths to files under the root).</summary>
    private static void RequireFiles(string root, MenuEntry entry)
    {
        if (entry.Kernel is null)
        {
            throw new UsageException($"entry '{entry.Path}' loads no kernel (no linux line); only kernel entries can be tried");
        }

        var files = new List<string>(entry.Initrd.Count + 1) { entry.Kernel };
        files.AddRange(entry.Initrd);
        foreach (string file in files)
        {
            if (file.Contains('$'))
            {
                continue;
            }

            string found;
            try
            {
                found = BootFiles.Resolve(root, file, _ => null, entry.Path);
            }
            catch (KexecPlanException e)
            {
                throw new FileProblemException(FileProblemKind.Missing, file, $"{e.Message}; install the kernel first");
            }

            try
            {
                using var stream = File.OpenRead(found);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new FileProblemException(FileProblemKind.PermissionDenied, found, $"file '{file}' of entry '{entry.Path}' cannot be read: {e.Message}");
            }
        }
    }

    private static void RequireWritableGrubenv(BootServices services)
    {
        string grubDir = Path.GetDirectoryName(Path.GetRelativePath(services.Root, services.Env.Path)) ?? "boot/grub";
        var storage = new MountProbe(services.Root).Probe("/" + grubDir.Replace('\\', '/'));
        if (storage is not null && GrubenvWritability.Problem(storage) is { } problem)
        {
            throw new FileProblemException(FileProblemKind.Unsupported, services.Env.Path, $"GRUB cannot record trial boots here: {problem}");
        }
    }
}
