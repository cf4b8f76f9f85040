using Appliance.Core.Health;
using Appliance.Linux.Config;

namespace Appliance.Linux.Health;

/// <summary>The shape every built-in check shares: named and required as configured, reading files under the root.</summary>
public abstract class BuiltinCheck<TSettings>(TSettings settings) : IHealthCheck
    where TSettings : BuiltinCheckSettings
{
    public TSettings Settings { get; } = settings;

    public string Name => Settings.Name;

    public CheckKind Kind => CheckKind.Builtin;

    public bool Required => Settings.Required;

    public virtual bool MayBlock => false;

    public abstract CheckOutcome Evaluate(HealthCheckContext context);

    /// <summary>A procfs or sysfs file's text; null when it does not exist.</summary>
    protected static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    protected static string Under(HealthCheckContext context, string absolute) => RootedPath.Resolve(context.Root, absolute);
}

/// <summary>Makes the check a <c>[Check:NAME]</c> section describes.</summary>
public static class BuiltinChecks
{
    public static IHealthCheck Create(BuiltinCheckSettings settings) => settings switch
    {
        SystemdStateSettings s => new SystemdStateCheck(s),
        LoadAverageSettings s => new LoadAverageCheck(s),
        MemorySettings s => new MemoryCheck(s),
        FileDescriptorSettings s => new FileDescriptorCheck(s),
        FilesystemSettings s => new FilesystemCheck(s),
        FreshnessSettings s => new FreshnessCheck(s),
        ProcessAliveSettings s => new ProcessAliveCheck(s),
        I2cTemperatureSettings s => new I2cTemperatureCheck(s),
        _ => throw new ArgumentException($"no built-in check of type {settings.Type}", nameof(settings)),
    };
}
