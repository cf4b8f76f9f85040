using Appliance.Core.Journal;

namespace Appliance.Linux.Boot;

/// <summary>The health checks' verdict as the validator and the journal need it.</summary>
public sealed record HealthOutcome(bool Healthy, IReadOnlyList<FailingCheck> Failures)
{
    /// <summary>For boots whose fate does not depend on checks (a rollback already happened, a rescue kernel).</summary>
    public static HealthOutcome NotRun { get; } = new(true, []);
}
