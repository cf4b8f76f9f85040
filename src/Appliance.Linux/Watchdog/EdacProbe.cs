using System.Globalization;
using Appliance.Core.Health;
using Appliance.Core.Watchdog;

using HealthCheckContext = Appliance.Linux.Health.HealthCheckContext;
using IHealthCheck = Appliance.Linux.Health.IHealthCheck;
using ProcessGroupRunner = Appliance.Linux.Health.ProcessGroupRunner;

namespace Appliance.Linux.Watchdog;

/// <summary>Reads <c>/sys/devices/system/edac/mc/mc*/ce_count</c> (Documentation/admin-guide/ras.rst) and judges the rise since its last run.</summary>
public sealed class EdacProbe(string root, long maxPerInterval) : IHealthCheck
{
    private Dictionary<string, long>? _previous;

    public string Name => BuiltinChecks.Edac;

    public CheckKind Kind => CheckKind.Builtin;

    public bool Required => true;

    public bool MayBlock => false;

    public CheckOutcome Evaluate(HealthCheckContext context)
    {
        var current = Read();
        var outcome = EdacCheck.Evaluate(_previous, current, maxPerInterval);
        _previous = current;
        return outcome;
    }

    public Dictionary<string, long> Read()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        string mc = Path.Combine(root, "sys/devices/system/edac/mc");
        if (!Directory.Exists(mc))
        {
            return counts;
        }

        foreach (string controller in Directory.EnumerateFileSystemEntries(mc, "mc*"))
        {
            string file = Path.Combine(controller, "ce_count");
            if (File.Exists(file) && long.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long n))
            {
                counts[Path.GetFileName(controller)] = n;
            }
        }

        return counts;
    }
}
