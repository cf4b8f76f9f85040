using Appliance.Core.Health;

namespace Appliance.Linux.Health;

/// <summary>What a check may use: the root every path is resolved under, the clock, its time and the process runner.</summary>
/// <param name="Timeout">How long this check may take; a check that runs a program passes it on.</param>
public sealed record HealthCheckContext(string Root, TimeProvider Time, TimeSpan Timeout, ProcessGroupRunner Processes, CancellationToken Cancellation);

/// <summary>
/// One health check, the one shape the boot validator, <c>appliance check</c> and the watchdog
/// daemon run. Built-in checks read procfs or sysfs under the root and leave the judgement to a
/// pure rule in Appliance.Core.Health; executable checks run a program. Evaluate reports
/// problems as an outcome; an exception counts as an error of the check.
/// </summary>
public interface IHealthCheck
{
    string Name { get; }

    CheckKind Kind { get; }

    /// <summary>Whether a failure fails the boot (or, in the daemon, stops the petting).</summary>
    bool Required { get; }

    /// <summary>
    /// Whether one run may block for long: a program can hang, flood or fork, a bus transfer to a
    /// wedged sensor can stall. The daemon gives such a check a thread of its own; checks that only
    /// read procfs or sysfs share one (one wakeup per round). Should a read hang all the same, the
    /// checks sharing the thread go stale together, which fails the verdict as one stale check would.
    /// </summary>
    bool MayBlock { get; }

    CheckOutcome Evaluate(HealthCheckContext context);
}
