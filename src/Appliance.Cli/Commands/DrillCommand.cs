using System.CommandLine;
using Appliance.Linux.Kernel;

namespace Appliance.Cli.Commands;

/// <summary>
/// <c>appliance drill panic --yes</c>: proves on a canary that the escape hatch works, so nobody
/// finds it broken on the night it is needed. On a committed, idle machine it arms the running
/// entry as its own rescue kernel, records the drill and panics the kernel; the validators on the
/// way back record the time from the panic to the rescue kernel and to healthy userspace
/// ('appliance status' shows it).
/// </summary>
public static class DrillCommand
{
    public static Command Build(CliContext context)
    {
        var yes = new Option<bool>("--yes") { Description = "Confirm: the running kernel is panicked on purpose" };
        var panic = new Command("panic", "Arm the running entry as its own rescue kernel and panic the kernel; the way back is timed and recorded") { yes };
        panic.SetAction(parsed => KexecCommands.Run(context, () =>
        {
            string root = context.Root(parsed);
            var trials = context.Trials(parsed);
            // Refusals that need no running system come first, so they read the same everywhere;
            // nothing is armed or written before the running-system guard.
            trials.RefuseDrillUnlessIdle(parsed.GetValue(yes));
            RunningSystem.Require(root, "the drill panics the running kernel");
            var drill = trials.ArmDrill(parsed.GetValue(yes));
            context.Output.WriteLine($"drill: armed '{drill.Entry}' as the rescue kernel; panicking now. 'appliance status' shows the way back once the machine is up again");
            context.Output.Flush();
            SysrqPanic.Trigger(root, context.Error, $"panic drill of '{drill.Entry}'");
            context.Error.WriteLine("appliance: the kernel did not panic after the sysrq trigger; is CONFIG_MAGIC_SYSRQ off?");
            return ExitCodes.Unavailable;
        }));

        return new Command("drill", "Prove the escape hatch on a canary: panic on purpose and time the way back") { panic };
    }
}
