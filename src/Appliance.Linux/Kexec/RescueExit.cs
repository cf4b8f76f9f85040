using Appliance.Core.Kexec;

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
/// memory map when <see cref="RescueReboot.Choose"/> allows it, else the firmware reboot. The
/// kexec itself, and the fallback when a step of it fails, is <see cref="KnownGoodExit"/>'s;
/// the rescue adds the choice and the pet of the running watchdogs right before the jump.
/// Either way the rescue's journal record says which way it went.
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
        var (decision, memory) = kexec.ChooseRescueReboot();
        if (decision.Kind == RescueRebootKind.Firmware)
        {
            record(RescueReboot.FirmwareNote(decision.Reason));
            return RescueRebootKind.Firmware;
        }

        // After the load, so a refused load costs no pet; the watchdog keeps counting
        // through the jump (shared/notes/rollback-timings.md), so the pet is the last step.
        var outcome = new KnownGoodExit(kexec).Leave(reason, KnownGoodExitWords.Rescue, record, memory, watchdogs.PetRunning);
        return outcome.Kexeced ? RescueRebootKind.Soft : RescueRebootKind.Firmware;
    }
}
