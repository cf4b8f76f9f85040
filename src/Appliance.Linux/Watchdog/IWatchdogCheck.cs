using Appliance.Core.Health;

namespace Appliance.Linux.Watchdog;

/// <summary>One health check the daemon runs on its own thread and schedule.</summary>
public interface IWatchdogCheck
{
    string Name { get; }

    /// <summary>Runs once; may block (a hung check only makes its own result stale).</summary>
    CheckOutcome Run(CancellationToken cancel);
}
