using Appliance.Core.Boot;
using Appliance.Core.Collections;

namespace Appliance.Core.Journal;

/// <summary>The words the journal and <c>--json</c> output use for the state machine's values.</summary>
public static class JournalNames
{
    public static string Of(BootKind kind) => kind switch
    {
        BootKind.Normal => "normal",
        BootKind.Trial => "trial",
        BootKind.FellBack => "fell-back",
        BootKind.RolledBack => "rolled-back",
        BootKind.AfterRejection => "after-rejection",
        BootKind.RejectedTrialRunning => "rejected-trial-again",
        BootKind.Rescue => "rescue",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string Of(ValidationOutcome outcome) => outcome switch
    {
        ValidationOutcome.Good => "good",
        ValidationOutcome.Unhealthy => "unhealthy",
        ValidationOutcome.Committed => "committed",
        ValidationOutcome.Rejected => "rejected",
        ValidationOutcome.RolledBack => "rolled-back",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    /// <summary>
    /// Whether a journalled result leaves the machine on a healthy known-good or committed
    /// kernel; the others mean this boot is not good, so units ordered before
    /// boot-complete.target see a failure.
    /// </summary>
    public static bool IsGood(string result) => result is not ("unhealthy" or "rejected");

    /// <summary>A boot id is a file name in the journal directory: only the kernel's UUID shape is accepted.</summary>
    public static bool IsValidBootId(string bootId) =>
        bootId.Length is > 0 and <= 64 && bootId.TrueForAll(c => char.IsAsciiHexDigit(c) || c == '-');
}
