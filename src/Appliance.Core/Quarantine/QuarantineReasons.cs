using Appliance.Core.Boot;
using Appliance.Core.Metrics;

namespace Appliance.Core.Quarantine;

/// <summary>Which decisions put the trial's kernel in quarantine, and under which of the journal's rollback reasons (<see cref="ApplianceMetrics.Reasons"/>, their one home).</summary>
public static class QuarantineReasons
{
    /// <summary>
    /// The reason a decision of <paramref name="outcome"/> on a boot of <paramref name="kind"/>
    /// quarantines the trial's kernel, or null when it does not: a committed or good boot, and
    /// the boots after a rejection, whose rejection recorded the kernel already. The trial
    /// deadline's rejection counts as failing the checks: the validator never got to pass them.
    /// </summary>
    public static string? For(BootKind kind, ValidationOutcome outcome) => (kind, outcome) switch
    {
        (BootKind.Trial, ValidationOutcome.Rejected) => ApplianceMetrics.Reasons.ChecksFailed,
        (BootKind.Rescue, ValidationOutcome.Rejected) => ApplianceMetrics.Reasons.Crashed,
        (BootKind.FellBack, ValidationOutcome.RolledBack) => ApplianceMetrics.Reasons.LoadFailed,
        (BootKind.RolledBack, ValidationOutcome.RolledBack) => ApplianceMetrics.Reasons.TriesExhausted,
        _ => null,
    };
}
