using System.CommandLine;
using Appliance.Linux.Kernel;
using Appliance.Linux.Kexec;

namespace Appliance.Cli.Commands;

/// <summary>
/// <c>appliance reboot [--kexec [ENTRY]]</c>: a normal reboot through the firmware, or a soft
/// one straight into a menu entry's kernel with kexec, skipping firmware and GRUB.
/// </summary>
public static class RebootCommand
{
    public static Command Build(CliContext context)
    {
        var kexecOption = new Option<bool>("--kexec") { Description = "Reboot with kexec into ENTRY's kernel (default: grubenv's appliance_good) instead of through the firmware" };
        var dryRunOption = new Option<bool>("--dry-run") { Description = "Check and print what would be booted without rebooting" };
        var entryArgument = new Argument<string?>("ENTRY") { Description = "With --kexec: the menu entry to boot", Arity = ArgumentArity.ZeroOrOne };
        var reboot = new Command("reboot", "Reboot: through the firmware, or with --kexec straight into a menu entry's kernel")
        {
            kexecOption,
            dryRunOption,
            entryArgument,
        };

        reboot.SetAction(parsed => KexecCommands.Run(context, () =>
        {
            string root = context.Root(parsed);
            string? entry = parsed.GetValue(entryArgument);
            bool dryRun = parsed.GetValue(dryRunOption);
            if (!parsed.GetValue(kexecOption))
            {
                if (entry is not null)
                {
                    throw new UsageException($"ENTRY ('{entry}') is only used with --kexec; a firmware reboot boots what GRUB chooses ('appliance env set next_entry=...' picks one for a single boot)");
                }

                if (dryRun)
                {
                    context.Output.Write("would reboot through the firmware\n");
                    return ExitCodes.Ok;
                }

                context.Reboot(root, "requested by 'appliance reboot'");
                return ExitCodes.Ok;
            }

            var service = KexecCommands.Service(context, parsed);
            KexecPlan plan = service.PlanSoft(entry);
            KexecCommands.PrintPlan(context, dryRun ? "would kexec" : "kexec", plan);
            if (dryRun)
            {
                return ExitCodes.Ok;
            }

            context.Output.Flush();
            service.SoftReboot(plan, $"requested by 'appliance reboot --kexec' into '{plan.Entry}'");
            return ExitCodes.Ok;
        }));
        return reboot;
    }
}
