using Appliance.Core.Boot;
using Appliance.Core.Events;
using Appliance.Core.Health;
using Appliance.Core.Journal;

namespace Appliance.Tests.Core.Events;

public sealed class BootEventsTests
{
    [Theory]
    [InlineData(ValidationOutcome.Committed, BootKind.Trial, false, ApplianceEvents.Committed)]
    [InlineData(ValidationOutcome.RolledBack, BootKind.RolledBack, false, ApplianceEvents.RolledBack)]
    [InlineData(ValidationOutcome.RolledBack, BootKind.FellBack, false, ApplianceEvents.RolledBack)]
    [InlineData(ValidationOutcome.RolledBack, BootKind.AfterRejection, false, ApplianceEvents.RolledBack)]
    [InlineData(ValidationOutcome.Rejected, BootKind.Rescue, false, ApplianceEvents.RescueEntered)]
    [InlineData(ValidationOutcome.Rejected, BootKind.Trial, true, ApplianceEvents.CheckFailing)]
    [InlineData(ValidationOutcome.Unhealthy, BootKind.Normal, true, ApplianceEvents.CheckFailing)]
    [InlineData(ValidationOutcome.Good, BootKind.Normal, false, null)]
    [InlineData(ValidationOutcome.Rejected, BootKind.Trial, false, null)]
    public void ForValidation_EachOutcome_OneEventOrNone(ValidationOutcome outcome, BootKind kind, bool failing, string? expected)
    {
        var record = new BootRecord
        {
            BootId = "b",
            Time = DateTimeOffset.UnixEpoch,
            Path = JournalNames.Of(kind),
            Result = JournalNames.Of(outcome),
            Message = "m",
            Trial = "t",
            FailingChecks = failing ? [new FailingCheck("50-app", CheckResult.Fail, "")] : [],
        };

        var description = BootEvents.ForValidation(outcome, kind, record, "good");

        Assert.Equal(expected, description?.Event);
        if (description is not null)
        {
            Assert.Equal(("b", "t", "good", JournalNames.Of(outcome)), (description.BootId, description.Trial, description.KnownGood, description.Result));
            Assert.Contains(description.Event, ApplianceEvents.All);
        }
    }

    [Fact]
    public void ForValidation_NoRecord_Nothing() =>
        Assert.Null(BootEvents.ForValidation(ValidationOutcome.Committed, BootKind.Trial, null, "good"));

    [Fact]
    public void All_EveryEventName_IsASafeDirectoryName() =>
        Assert.All(ApplianceEvents.All, e => Assert.Matches("^[a-z]+(-[a-z]+)*$", e));
}
