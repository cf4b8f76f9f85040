using Appliance.Core.Health;

namespace Appliance.Linux.Health;

/// <summary><c>/proc/meminfo</c> MemAvailable against <c>MinAvailableMiB</c> and <c>MinAvailablePercent</c>.</summary>
public sealed class MemoryCheck(MemorySettings settings) : BuiltinCheck<MemorySettings>(settings)
{
    public const string File = "/proc/meminfo";

    public override CheckOutcome Evaluate(HealthCheckContext context)
    {
        string path = Under(context, File);
        return ReadOrNull(path) is not { } text ? CheckOutcome.Error($"{path}: does not exist")
            : MemoryRule.Parse(text) is not { } memory ? CheckOutcome.Error($"{path}: no MemTotal or MemAvailable (MemAvailable needs Linux 3.14)")
            : MemoryRule.Evaluate(memory, Settings);
    }
}
