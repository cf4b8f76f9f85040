using Appliance.Core.Kexec;
using Appliance.Linux.Files;

namespace Appliance.Linux.Kexec;

/// <summary>The watchdogs a rescue pets right before its soft kexec; behind an interface so the way out runs on fake trees.</summary>
public interface IRescueWatchdogs
{
    /// <summary>Pets every hardware watchdog the kernel already runs, once; one line per device for the journal.</summary>
    IReadOnlyList<string> PetRunning();
}

/// <summary>
/// How the rescue (crash) kernel leaves once it has saved the panic log and rejected the trial
/// ([Boot] RescueByKexec): a soft kexec straight into known-good with the whole machine's
/// memory map when <see cref="RescueReboot.Choose"/> allows it, else, and whenever a kexec step
/// fails, the firmware reboot. Either way the rescue's journal record says which way it went.
/// </summary>
public sealed class RescueExit(KexecService kexec, IRescueWatchdogs watchdogs)
{
    /// <param name="reason">Why the machine leaves (the validator's message), for the console.</param>
    /// <param name="record">Adds a note to the rescue's journal record. Called before the jump: after it, nothing of this kernel runs.</param>
    /// <returns>
    /// <see cref="RescueRebootKind.Firmware"/> when the caller must reboot through the firmware;
    /// <see cref="RescueRebootKind.Soft"/> only when the init system has taken the kexec over
    /// (otherwise the jump does not return).
    /// </returns>
    public RescueRebootKind Leave(string reason, Action<string> record)
    {
        var decision = kexec.ChooseRescueReboot();
        if (decision.Kind == RescueRebootKind.Firmware)
        {
            record(RescueReboot.FirmwareNote(decision.Reason));
            return RescueRebootKind.Firmware;
        }

        try
        {
            var plan = kexec.PlanSoft(null);
            // After the load, so a refused load costs no pet; the watchdog keeps counting
            // through the jump (shared/notes/rollback-timings.md), so the pet is the last step.
            kexec.SoftReboot(plan, $"{reason}; soft kexec into known-good '{plan.Entry}'",
                () => record(RescueReboot.SoftNote(plan.Entry, watchdogs.PetRunning())));
            return RescueRebootKind.Soft;
        }
        catch (Exception e) when (e is KexecException or KexecPlanException or FileProblemException)
        {
            record(RescueReboot.FailedNote(e.Message));
            return RescueRebootKind.Firmware;
        }
    }
}
