using Appliance.Core.Kexec;
using Appliance.Linux.Files;

namespace Appliance.Linux.Kexec;

/// <summary>
/// How one exit into known-good words itself: <see cref="Jump"/> names the kexec in the line the
/// loader prints before the jump, <see cref="Kexeced"/> is the journal note once the load worked
/// (from the entry and what the exit's last step reported), <see cref="Failed"/> the note when a
/// kexec step failed and the firmware reboot follows (from the error).
/// </summary>
public sealed record KnownGoodExitWords(string Jump, Func<string, IReadOnlyList<string>, string> Kexeced, Func<string, string> Failed)
{
    /// <summary>A trial rejected in its own userspace ([Boot] RejectByKexec).</summary>
    public static readonly KnownGoodExitWords Reject = new(
        "kexec",
        (entry, _) => $"back to '{entry}' by kexec, without a firmware pass",
        error => $"the kexec into known-good failed ({error}), so it rebooted through the firmware");

    /// <summary>The rescue (crash) kernel leaving ([Boot] RescueByKexec).</summary>
    public static readonly KnownGoodExitWords Rescue = new("soft kexec", RescueReboot.SoftNote, RescueReboot.FailedNote);
}

/// <summary>
/// What became of an exit: <see cref="Kexeced"/> once the init system has taken the kexec over
/// (otherwise the jump does not return); else the caller reboots through the firmware, and
/// <see cref="Failure"/> is the failed kexec step's message.
/// </summary>
public sealed record KnownGoodExitOutcome(bool Kexeced, string? Failure);

/// <summary>
/// Kexec into known-good, or fall back to the firmware with a note: the one way back without a
/// firmware pass that both the rejected trial ([Boot] RejectByKexec) and the rescue kernel
/// ([Boot] RescueByKexec, <see cref="RescueExit"/>) take. Plans the soft kexec into grubenv's
/// known-good entry, loads it, notes it, jumps; when planning or loading fails the note says why
/// and the caller reboots through the firmware, where GRUB boots known-good (the rejection is
/// already in grubenv).
/// </summary>
public sealed class KnownGoodExit(KexecService kexec)
{
    /// <param name="reason">Why the machine leaves (the validator's message), for the console line before the jump.</param>
    /// <param name="words">The exit's wording (<see cref="KnownGoodExitWords.Reject"/>, <see cref="KnownGoodExitWords.Rescue"/>).</param>
    /// <param name="record">Adds a note to this boot's journal record. Called before the jump: after it, nothing of this kernel runs.</param>
    /// <param name="memory">In a rescue kernel, the memory map it was already read for (<see cref="KexecService.ChooseRescueReboot"/>), so armed.json is read once.</param>
    /// <param name="lastStep">Runs after the load and before the note, so a refused load costs nothing; its lines go into the note (the rescue pets the running watchdogs here).</param>
    public KnownGoodExitOutcome Leave(string reason, KnownGoodExitWords words, Action<string> record, RecordedMemoryMap? memory = null, Func<IReadOnlyList<string>>? lastStep = null)
    {
        try
        {
            var plan = kexec.PlanSoft(null, memory);
            kexec.SoftReboot(plan, $"{reason}; {words.Jump} into known-good '{plan.Entry}'",
                () => record(words.Kexeced(plan.Entry, lastStep?.Invoke() ?? [])));
            return new KnownGoodExitOutcome(true, null);
        }
        catch (Exception e) when (e is KexecException or KexecPlanException or FileProblemException)
        {
            record(words.Failed(e.Message));
            return new KnownGoodExitOutcome(false, e.Message);
        }
    }
}
