using Appliance.Core.Health;
using Appliance.Linux.Health;

namespace Appliance.Linux.Watchdog;

/// <summary>
/// A <c>[Check:NAME]</c> built-in check (named by <c>[Watchdog] HealthCheck=</c>) run by the
/// daemon: the same check and rule the boot validator runs, so both judge one sensor alike.
/// A named section gets a thread of its own, since a bus transfer to a wedged sensor may block;
/// the daemon's own procfs probes share one (<paramref name="ownThread"/> false).
/// </summary>
public sealed class HealthCheckProbe(BuiltinCheckSettings settings, string root, TimeSpan timeout, TimeProvider time, bool ownThread = true) : IWatchdogCheck
{
    private readonly IHealthCheck _check = Health.BuiltinChecks.Create(settings);

    public string Name => _check.Name;

    public bool OwnThread => ownThread;

    public CheckOutcome Run(CancellationToken cancel) =>
        _check.Evaluate(new HealthCheckContext(root, time, timeout, new ProcessGroupRunner(time, 4096), cancel));
}
