using Appliance.Core.Health;

namespace Appliance.Linux.Health;

/// <summary>What a check may use: the root every path is resolved under, the clock, its time and the process runner.</summary>
/// <param name="Timeout">How long this check may take; a check that runs a program passes it on.</param>
public sealed record HealthCheckContext(string Root, TimeProvider Time, TimeSpan Timeout, ProcessGroupRunner Processes, CancellationToken Cancellation);

/// <summary>
/// One health check. Built-in checks read procfs or sysfs under the root and leave the
/// judgement to a pure rule in Appliance.Core.Health; executable checks run a program.
/// Evaluate reports problems as an outcome; an exception counts as an error of the check.
/// </summary>
public interface IHealthCheck
{
    string Name { get; }

    CheckKind Kind { get; }

    /// <summary>Whether a failure fails the boot.</summary>
    bool Required { get; }

    CheckOutcome Evaluate(HealthCheckContext context);
}
