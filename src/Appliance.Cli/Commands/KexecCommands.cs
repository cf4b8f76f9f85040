using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Appliance.Core.Collections;
using Appliance.Core.Json;
using Appliance.Core.Kexec;
using Appliance.Linux.Forensics;
using Appliance.Linux.Kexec;

namespace Appliance.Cli.Commands;

/// <summary>
/// <c>appliance kexec</c>: the crash-kernel failover. A trial kernel arms the known-good kernel
/// as its crash kernel, so a panic lands in a rescue kernel seconds later instead of spending
/// GRUB's tries one firmware reboot at a time.
/// </summary>
public static class KexecCommands
{
    public static Command Build(CliContext context)
    {
        var kexec = new Command("kexec", "Arm the known-good kernel as the crash kernel for a trial boot, and report on it");
        var dryRunOption = new Option<bool>("--dry-run") { Description = "Check and print the plan (kernel, initrd, command line) without loading anything" };
        var jsonOption = CliContext.JsonOption();

        var armEntry = new Argument<string?>("ENTRY") { Description = "Menu entry to load as the crash kernel (default: grubenv's appliance_good)", Arity = ArgumentArity.ZeroOrOne };
        var arm = new Command("arm", "Load ENTRY with kexec_file_load(KEXEC_FILE_ON_CRASH) as the rescue kernel a panic jumps to") { armEntry, dryRunOption };
        arm.SetAction(parsed => Run(context, () =>
        {
            var service = Service(context, parsed);
            string? entry = parsed.GetValue(armEntry);
            if (parsed.GetValue(dryRunOption))
            {
                KexecPlan plan = service.PlanArm(entry);
                PrintPlan(context, "would arm", plan);
                return ExitCodes.Ok;
            }

            var (armed, _) = service.Arm(entry);
            PrintPlan(context, "armed", armed);
            return ExitCodes.Ok;
        }));

        var disarm = new Command("disarm", "Unload the crash kernel (KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH)");
        disarm.SetAction(parsed => Run(context, () =>
        {
            Service(context, parsed).Disarm();
            context.Output.Write("disarmed: no crash kernel is loaded\n");
            return ExitCodes.Ok;
        }));

        var status = new Command("status", "Show the crash reservation, what is loaded, and what 'kexec arm' loaded") { jsonOption };
        status.SetAction(parsed => Run(context, () =>
        {
            KexecStatusReport report = Service(context, parsed).Status();
            if (parsed.GetValue(jsonOption))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(report, ApplianceJsonContext.Default.KexecStatusReport));
            }
            else
            {
                PrintStatus(context, report);
            }

            return ExitCodes.Ok;
        }));

        kexec.Subcommands.Add(arm);
        kexec.Subcommands.Add(disarm);
        kexec.Subcommands.Add(status);
        kexec.Subcommands.Add(BuildPanicPolicy(context));
        kexec.Subcommands.Add(BuildForensics(context));
        return kexec;
    }

    private static Command BuildPanicPolicy(CliContext context)
    {
        var policy = new Command("panic-policy", "Turn oopses, soft lockups and hung tasks into panics for a trial boot, and undo it");
        var panicOption = new Option<int>("--panic")
        {
            Description = "kernel.panic: seconds to wait before rebooting after a panic when no crash kernel is loaded",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => PanicSettings.Default.PanicTimeout,
        };
        var apply = new Command("apply", "Save the current kernel.panic, panic_on_oops, softlockup_panic and hung_task_panic and set the trial's values") { panicOption };
        apply.SetAction(parsed => Run(context, () =>
        {
            int seconds = parsed.GetValue(panicOption);
            if (seconds < 0)
            {
                throw new UsageException($"--panic must be 0 or more seconds (0 waits forever), not {seconds}");
            }

            var result = PanicPolicy.Apply(context.Root(parsed), new PanicSettings(PanicTimeout: seconds), context.FileSteps, context.Time);
            PrintPolicy(context, "set", result);
            return ExitCodes.Ok;
        }));

        var restore = new Command("restore", "Put back the values 'panic-policy apply' saved on this boot");
        restore.SetAction(parsed => Run(context, () =>
        {
            PrintPolicy(context, "restored", PanicPolicy.Restore(context.Root(parsed), context.FileSteps));
            return ExitCodes.Ok;
        }));

        policy.Subcommands.Add(apply);
        policy.Subcommands.Add(restore);
        return policy;
    }

    private static Command BuildForensics(CliContext context)
    {
        var limitOption = new Option<int>("--limit")
        {
            Description = "Bytes of log kept per source around the crash",
            HelpName = "BYTES",
            DefaultValueFactory = _ => 64 * 1024,
        };
        var releaseOption = new Option<bool>("--release") { Description = "Delete the pstore records once saved" };
        var forensics = new Command("forensics", $"Save the last kernel's crash report from pstore and /proc/vmcore under {Appliance.Linux.Files.StatePaths.Forensics} and print excerpts") { limitOption, releaseOption };
        forensics.SetAction(parsed => Run(context, () =>
        {
            int limit = parsed.GetValue(limitOption);
            if (limit < 256)
            {
                throw new UsageException($"--limit must be at least 256 bytes, not {limit}");
            }

            var result = Forensics.Collect(context.Root(parsed), limit, context.FileSteps);
            foreach (string note in result.Notes)
            {
                context.Error.WriteLine($"appliance: note: {note}");
            }

            if (!result.Found)
            {
                context.Error.WriteLine("appliance: no crash report found (pstore: mount it at /sys/fs/pstore; vmcore: only in a crash kernel)");
                return ExitCodes.NotFound;
            }

            foreach (string file in result.Files)
            {
                context.Output.Write($"saved: {file}\n");
            }

            foreach (string excerpt in result.Excerpts)
            {
                context.Output.Write(excerpt + "\n");
            }

            if (parsed.GetValue(releaseOption))
            {
                Forensics.ReleasePstore(result);
            }

            return ExitCodes.Ok;
        }));
        return forensics;
    }

    /// <summary>Runs a kexec command body: kexec and plan errors get their exit codes here, the rest as every command does.</summary>
    internal static int Run(CliContext context, Func<int> body) => context.Guarded(() =>
    {
        try
        {
            return body();
        }
        catch (KexecException e)
        {
            context.Error.WriteLine($"appliance: {e.Message}");
            return ExitCodeOf(e.Problem.Kind);
        }
        catch (KexecPlanException e)
        {
            context.Error.WriteLine($"appliance: {e.Message}");
            return e.Error switch
            {
                KexecPlanError.Missing => ExitCodes.NoInput,
                KexecPlanError.NotRunningSystem => ExitCodes.Usage,
                _ => ExitCodes.DataError,
            };
        }
    });

    /// <summary>sysexits for each kind of kexec failure; the man page lists them.</summary>
    internal static int ExitCodeOf(KexecProblemKind kind) => kind switch
    {
        KexecProblemKind.Reservation => ExitCodes.Config,
        KexecProblemKind.Unsupported => ExitCodes.Config,
        KexecProblemKind.Forbidden => ExitCodes.NoPermission,
        // Which kernels carry a signature the running kernel trusts is the machine's
        // configuration, as a missing crash reservation is: retrying as another user cannot help.
        KexecProblemKind.Unverified => ExitCodes.Config,
        KexecProblemKind.BadImage => ExitCodes.DataError,
        KexecProblemKind.Busy => ExitCodes.TempFail,
        _ => ExitCodes.OsError,
    };

    internal static KexecService Service(CliContext context, ParseResult parsed)
    {
        string root = context.Root(parsed);
        return new KexecService(root, new LinuxKexecLoader(root, context.Error), context.FileSteps, context.Time);
    }

    internal static void PrintPlan(CliContext context, string verb, KexecPlan plan)
    {
        foreach (string note in plan.Notes)
        {
            context.Error.WriteLine($"appliance: note: {note}");
        }

        context.Output.Write($"{verb}: {plan.Entry}\n");
        context.Output.Write($"kernel: {plan.Kernel}\n");
        context.Output.Write($"initrd: {(plan.Initrds.Count == 0 ? "(none)" : string.Join(' ', plan.Initrds))}\n");
        context.Output.Write($"cmdline: {plan.CommandLine}\n");
    }

    private static void PrintStatus(CliContext context, KexecStatusReport report)
    {
        string reserved = report.ReservedBytes is { } bytes ? (bytes == 0 ? "none" : CrashKernel.FormatSize(bytes)) : "unknown";
        context.Output.Write($"reservation: {reserved}{(report.CrashKernel is { } ck ? $" (crashkernel={ck})" : "")}\n");
        context.Output.Write($"crash kernel loaded: {YesNo(report.CrashLoaded)}\n");
        context.Output.Write($"kexec kernel loaded: {YesNo(report.KexecLoaded)}\n");
        if (report.Rescue)
        {
            context.Output.Write("this boot: rescue kernel\n");
        }

        if (report.Armed is { } armed)
        {
            context.Output.Write($"armed: {armed.Entry} at {armed.Time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z\n");
            context.Output.Write($"kernel: {armed.Kernel}\n");
            context.Output.Write($"cmdline: {armed.CommandLine}\n");
        }
        else if (report.ArmedPreviousBoot is { } old)
        {
            context.Output.Write($"armed: not on this boot (last: {old.Entry} on boot {old.BootId})\n");
        }
        else
        {
            context.Output.Write("armed: no\n");
        }

        if (report.PanicPolicySaved is { } saved)
        {
            context.Output.Write($"panic policy: applied; saved {string.Join(", ", saved.Values.Map(v => $"{v.Key}={v.Value}"))}\n");
        }

        foreach (string warning in report.Warnings)
        {
            context.Error.WriteLine($"appliance: warning: {warning}");
        }
    }

    private static void PrintPolicy(CliContext context, string verb, PanicPolicyResult result)
    {
        foreach (string note in result.Notes)
        {
            context.Error.WriteLine($"appliance: note: {note}");
        }

        foreach (var (name, value) in result.Written)
        {
            context.Output.Write($"{verb}: {name}={value}\n");
        }
    }

    private static string YesNo(bool? value) => value switch
    {
        true => "yes",
        false => "no",
        null => "unknown",
    };
}
