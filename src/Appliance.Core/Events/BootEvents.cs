using Appliance.Core.Boot;
using Appliance.Core.Collections;
using Appliance.Core.Journal;

namespace Appliance.Core.Events;

/// <summary>Which event, if any, a trial-boot decision is: the mapping the validator and the upgrade tool fire hooks by.</summary>
public static class BootEvents
{
    /// <summary>
    /// The event for a validation. A failed trial ends in two records (rejected on the trial's
    /// boot, rolled-back on the known-good boot after it); rolled-back is sent from the second,
    /// where the machine is healthy and can reach the outside, and for GRUB's own rollbacks,
    /// which only the known-good boot sees. The trial's own boot sends check-failing (or
    /// rescue-entered) instead. A good normal boot sends nothing.
    /// </summary>
    /// <param name="record">The journal record the validator wrote for this boot; null (not written) sends nothing.</param>
    /// <param name="knownGood">grubenv's known-good entry as read before the decision.</param>
    public static EventDescription? ForValidation(ValidationOutcome outcome, BootKind kind, BootRecord? record, string? knownGood)
    {
        if (record is null)
        {
            return null;
        }

        string? name = (outcome, kind) switch
        {
            (ValidationOutcome.Committed, _) => ApplianceEvents.Committed,
            (ValidationOutcome.RolledBack, _) => ApplianceEvents.RolledBack,
            (ValidationOutcome.Rejected, BootKind.Rescue) => ApplianceEvents.RescueEntered,
            (ValidationOutcome.Rejected or ValidationOutcome.Unhealthy, _) when record.FailingChecks.Count > 0 => ApplianceEvents.CheckFailing,
            _ => null,
        };

        return name is null ? null : new EventDescription
        {
            Event = name,
            Time = record.Time,
            Message = record.Message,
            BootId = record.BootId,
            Entry = record.Entry,
            Trial = record.Trial,
            KnownGood = knownGood,
            TriesLeft = record.TriesLeft,
            Result = record.Result,
            FailingChecks = record.FailingChecks.Map(c => c.Name),
        };
    }

    public static EventDescription ForStage(string trial, string knownGood, int tries, string? running, DateTimeOffset time, string message) => new()
    {
        Event = ApplianceEvents.TrialStaged,
        Time = time,
        Message = message,
        Entry = running,
        Trial = trial,
        KnownGood = knownGood,
        TriesLeft = tries,
    };
}
