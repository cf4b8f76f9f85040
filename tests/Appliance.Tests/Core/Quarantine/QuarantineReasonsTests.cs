using Appliance.Core.Boot;
using Appliance.Core.Metrics;
using Appliance.Core.Quarantine;

namespace Appliance.Tests.Core.Quarantine;

public sealed class QuarantineReasonsTests
{
    [Theory]
    [InlineData(BootKind.Trial, ValidationOutcome.Rejected, ApplianceMetrics.Reasons.ChecksFailed)]
    [InlineData(BootKind.Rescue, ValidationOutcome.Rejected, ApplianceMetrics.Reasons.Crashed)]
    [InlineData(BootKind.FellBack, ValidationOutcome.RolledBack, ApplianceMetrics.Reasons.LoadFailed)]
    [InlineData(BootKind.RolledBack, ValidationOutcome.RolledBack, ApplianceMetrics.Reasons.TriesExhausted)]
    public void For_FailedTrialDecisions_TheJournalsRollbackReason(BootKind kind, ValidationOutcome outcome, string reason)
    {
        Assert.Equal(reason, QuarantineReasons.For(kind, outcome));
        Assert.Contains(reason, ApplianceMetrics.Reasons.All);
    }

    [Theory]
    [InlineData(BootKind.Trial, ValidationOutcome.Committed)]
    [InlineData(BootKind.Normal, ValidationOutcome.Good)]
    [InlineData(BootKind.Normal, ValidationOutcome.Unhealthy)]
    [InlineData(BootKind.AfterRejection, ValidationOutcome.RolledBack)]
    [InlineData(BootKind.RejectedTrialRunning, ValidationOutcome.Rejected)]
    public void For_OtherDecisions_Null(BootKind kind, ValidationOutcome outcome)
    {
        Assert.Null(QuarantineReasons.For(kind, outcome));
    }
}
