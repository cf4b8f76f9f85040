using System.Globalization;
using Appliance.Core.Health;

namespace Appliance.Linux.Health;

/// <summary>A pidfile's process: <c>/proc/PID/stat</c> must exist and not say zombie.</summary>
public sealed class ProcessAliveCheck(ProcessAliveSettings settings) : BuiltinCheck<ProcessAliveSettings>(settings)
{
    public override CheckOutcome Evaluate(HealthCheckContext context) =>
        ProcessAliveRule.Evaluate(
            ReadOrNull(Under(context, Settings.PidFile)),
            pid => ReadOrNull(Under(context, string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"))),
            Settings);
}
