using Appliance.Core.Boot;
using Appliance.Core.Journal;

namespace Appliance.Linux.Boot;

/// <summary>How a trial verb ended, for the caller to turn into its exit status.</summary>
public enum TrialEnd
{
    /// <summary>The verb did what it was asked (or found it already done).</summary>
    Done,

    /// <summary>Nothing was staged or left to decide; nothing changed.</summary>
    NothingToDo,

    /// <summary>This boot is not good: checks failed, or the trial was rejected.</summary>
    NotGood,

    /// <summary>The verb could not tell what to do (the time since boot is unreadable); nothing changed.</summary>
    CannotTell,
}

/// <summary>
/// What a trial verb decided and did: one record the CLI prints and maps to an exit code. The
/// service changes grubenv at most once, under its lock; <see cref="Problems"/> lists the
/// secondary writes (journal, hooks, forensics) that failed after that decision, which never
/// undo or block it.
/// </summary>
/// <param name="End">How it ended.</param>
/// <param name="Message">One sentence for the operator (stdout).</param>
/// <param name="Kind">How this boot came about, where the verb worked it out.</param>
/// <param name="Outcome">The decision written, or null when nothing was decided.</param>
/// <param name="Reboot">The decision wants the machine rebooted (into known-good).</param>
/// <param name="Failures">The failing health checks.</param>
/// <param name="Notes">Side remarks (kexec armed or not, forensics saved); stderr.</param>
/// <param name="Problems">Secondary writes that failed after the decision; stderr and a non-zero exit.</param>
public sealed record TrialResult(
    TrialEnd End,
    string Message,
    BootKind? Kind = null,
    ValidationOutcome? Outcome = null,
    bool Reboot = false,
    IReadOnlyList<FailingCheck>? Failures = null,
    IReadOnlyList<string>? Notes = null,
    IReadOnlyList<string>? Problems = null)
{
    public IReadOnlyList<FailingCheck> FailingChecks => Failures ?? [];

    public IReadOnlyList<string> OperatorNotes => Notes ?? [];

    public IReadOnlyList<string> SecondaryProblems => Problems ?? [];
}

/// <summary>What <c>upgrade stage</c> staged: the trial, the way back, the tries, the status after, and (<see cref="Notes"/>) what could not be checked.</summary>
public sealed record StageResult(Core.Menu.MenuEntry Trial, Core.Menu.MenuEntry Good, int Tries, Core.Status.StatusReport Report, IReadOnlyList<string> Problems, IReadOnlyList<string> Notes);

/// <summary>What <c>upgrade pin</c> recorded; <see cref="Warning"/> when grub.cfg lacks Appliance's block.</summary>
public sealed record PinResult(Core.Menu.MenuEntry? Good, string Message, string? Warning);
