using Appliance.Core.Health;

namespace Appliance.Linux.Health;

/// <summary><c>/proc/loadavg</c> against <c>MaxLoad1/5/15</c>.</summary>
public sealed class LoadAverageCheck(LoadAverageSettings settings) : BuiltinCheck<LoadAverageSettings>(settings)
{
    public const string File = "/proc/loadavg";

    public override CheckOutcome Evaluate(HealthCheckContext context)
    {
        string path = Under(context, File);
        return ReadOrNull(path) is not { } text ? CheckOutcome.Error($"{path}: does not exist")
            : LoadAverageRule.Parse(text) is not { } load ? CheckOutcome.Error($"{path}: cannot parse '{text.Trim()}'")
            : LoadAverageRule.Evaluate(load, Settings);
    }
}
