using Appliance.Core.Health;

namespace Appliance.Linux.Health;

/// <summary>A heartbeat file's mtime against <c>MaxAgeSec</c>, with the context's clock.</summary>
public sealed class FreshnessCheck(FreshnessSettings settings) : BuiltinCheck<FreshnessSettings>(settings)
{
    public override CheckOutcome Evaluate(HealthCheckContext context)
    {
        var file = new FileInfo(Under(context, Settings.Path));
        DateTimeOffset? modified = file.Exists ? new DateTimeOffset(file.LastWriteTimeUtc) : null;
        return FreshnessRule.Evaluate(modified, context.Time.GetUtcNow(), Settings);
    }
}
