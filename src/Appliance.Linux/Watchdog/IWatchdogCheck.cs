using Appliance.Core.Health;

namespace Appliance.Linux.Watchdog;

/// <summary>One health check the daemon runs on its own schedule.</summary>
public interface IWatchdogCheck
{
    string Name { get; }

    /// <summary>
    /// Whether it gets a thread of its own. A program can hang, flood or fork, so each runs
    /// alone; a probe that only reads a few procfs/sysfs files does not need one, and the
    /// probes share a thread (one wakeup per round instead of one each). Should a read hang
    /// all the same, the probes sharing the thread go stale together, which fails the verdict
    /// just as one stale probe would.
    /// </summary>
    bool OwnThread => true;

    /// <summary>Runs once; may block (a hung check only makes its own result stale).</summary>
    CheckOutcome Run(CancellationToken cancel);
}
