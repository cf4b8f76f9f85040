using Appliance.Core.Collections;
using Appliance.Core.Health;

namespace Appliance.Core.Config;

/// <summary>One key of a section: how its value changes the section's record. <c>Defaults</c> is what an empty value resets to.</summary>
internal sealed record ConfigKey<T>(string Name, Func<T, string, T, T> Set);

/// <summary>
/// A section's keys and the checks across them. Each section is a typed record; adding a key
/// is one line here and one property on the record.
/// </summary>
internal sealed record SectionSchema<T>(IReadOnlyList<ConfigKey<T>> Keys, Func<T, IEnumerable<string>> Validate);

/// <summary>The sections Appliance reads and the types of <c>[Check:NAME]</c> section.</summary>
internal static class ConfigSchema
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    public static readonly SectionSchema<BootConfig> Boot = new(
        [
            new("Tries", (c, v, d) => c with { Tries = ConfigValues.Integer(v, 1, 9, d.Tries) }),
            new("ValidateDeadlineSec", (c, v, d) => c with { ValidateDeadline = ConfigValues.Seconds(v, BootConfig.ValidateDeadlineMin, BootConfig.ValidateDeadlineMax, d.ValidateDeadline) }),
            new("TrialDeadlineSec", (c, v, d) => c with { TrialDeadline = ConfigValues.Seconds(v, TimeSpan.FromSeconds(10), Day, d.TrialDeadline) }),
            new("StabilitySec", (c, v, d) => c with { Stability = ConfigValues.Seconds(v, TimeSpan.Zero, Appliance.Core.Boot.StabilityWindow.MaxWindow, d.Stability) }),
            new("ArmKexec", (c, v, d) => c with { ArmKexec = ConfigValues.Boolean(v, d.ArmKexec) }),
            new("RejectByKexec", (c, v, d) => c with { RejectByKexec = ConfigValues.Boolean(v, d.RejectByKexec) }),
            new("RescueByKexec", (c, v, d) => c with { RescueByKexec = ConfigValues.Boolean(v, d.RescueByKexec) }),
            new("RebootOnFailure", (c, v, d) => c with { RebootOnFailure = ConfigValues.Boolean(v, d.RebootOnFailure) }),
        ],
        _ => []);

    public static readonly SectionSchema<ChecksConfig> Checks = new(
        [
            new("Directory", (c, v, d) => c with { Directory = ConfigValues.AbsolutePath(v, d.Directory) }),
            new("TimeoutSec", (c, v, d) => c with { Timeout = ConfigValues.Seconds(v, TimeSpan.FromSeconds(1), Day, d.Timeout) }),
            new("OutputLimitBytes", (c, v, d) => c with { OutputLimitBytes = ConfigValues.Bytes(v, 1024, 16 << 20, d.OutputLimitBytes) }),
            new("MaxParallel", (c, v, d) => c with { MaxParallel = ConfigValues.Integer(v, 1, 64, d.MaxParallel) }),
        ],
        _ => []);

    /// <summary>The keys every <c>[Check:NAME]</c> has. Type is read before the others (it decides which keys exist) and is a no-op here.</summary>
    private static readonly ConfigKey<BuiltinCheckSettings>[] CommonCheckKeys =
    [
        new("Type", (c, _, _) => c),
        new("Enabled", (c, v, d) => c with { Enabled = ConfigValues.Boolean(v, d.Enabled) }),
        new("Required", (c, v, d) => c with { Required = ConfigValues.Boolean(v, d.Required) }),
    ];

    /// <summary>Each type of built-in check: its defaults for a section name, and its own keys.</summary>
    public static readonly IReadOnlyDictionary<string, ICheckSchema> CheckTypes = new Dictionary<string, ICheckSchema>
    {
        [SystemdStateRule.Type] = Check<SystemdStateSettings>(
            name => new SystemdStateSettings(name),
            [new("AllowDegraded", (c, v, d) => c with { AllowDegraded = ConfigValues.Boolean(v, d.AllowDegraded) })],
            _ => []),
        [LoadAverageRule.Type] = Check<LoadAverageSettings>(
            name => new LoadAverageSettings(name),
            [
                new("MaxLoad1", (c, v, _) => c with { MaxLoad1 = ConfigValues.OptionalNumber(v, 0, 1e6) }),
                new("MaxLoad5", (c, v, _) => c with { MaxLoad5 = ConfigValues.OptionalNumber(v, 0, 1e6) }),
                new("MaxLoad15", (c, v, _) => c with { MaxLoad15 = ConfigValues.OptionalNumber(v, 0, 1e6) }),
            ],
            _ => []),
        [MemoryRule.Type] = Check<MemorySettings>(
            name => new MemorySettings(name),
            [
                new("MinAvailableMiB", (c, v, _) => c with { MinAvailableMiB = ConfigValues.OptionalLong(v, 0, 1L << 40) }),
                new("MinAvailablePercent", (c, v, _) => c with { MinAvailablePercent = ConfigValues.OptionalNumber(v, 0, 100) }),
            ],
            _ => []),
        [FileDescriptorRule.Type] = Check<FileDescriptorSettings>(
            name => new FileDescriptorSettings(name),
            [new("MaxUsedPercent", (c, v, d) => c with { MaxUsedPercent = ConfigValues.Number(v, 0, 100, d.MaxUsedPercent) })],
            _ => []),
        [FilesystemRule.Type] = Check<FilesystemSettings>(
            name => new FilesystemSettings(name),
            [
                new("Path", (c, v, d) => c with { Path = ConfigValues.AbsolutePath(v, d.Path) }),
                new("MinFreeMiB", (c, v, _) => c with { MinFreeMiB = ConfigValues.OptionalLong(v, 0, 1L << 40) }),
                new("MinFreePercent", (c, v, _) => c with { MinFreePercent = ConfigValues.OptionalNumber(v, 0, 100) }),
                new("WriteProbe", (c, v, d) => c with { WriteProbe = ConfigValues.Boolean(v, d.WriteProbe) }),
            ],
            c => c.Path.Length == 0 ? ["needs Path= (the mount point to check)"] : []),
        [FreshnessRule.Type] = Check<FreshnessSettings>(
            name => new FreshnessSettings(name),
            [
                new("Path", (c, v, d) => c with { Path = ConfigValues.AbsolutePath(v, d.Path) }),
                new("MaxAgeSec", (c, v, d) => c with { MaxAge = ConfigValues.Seconds(v, TimeSpan.FromSeconds(1), TimeSpan.FromDays(366), d.MaxAge) }),
            ],
            c => [
                .. c.Path.Length == 0 ? ["needs Path= (the file that must stay fresh)"] : Array.Empty<string>(),
                .. c.MaxAge == TimeSpan.Zero ? ["needs MaxAgeSec="] : Array.Empty<string>(),
            ]),
        [ProcessAliveRule.Type] = Check<ProcessAliveSettings>(
            name => new ProcessAliveSettings(name),
            [new("PidFile", (c, v, d) => c with { PidFile = ConfigValues.AbsolutePath(v, d.PidFile) })],
            c => c.PidFile.Length == 0 ? ["needs PidFile="] : []),
        [I2cTemperatureRule.Type] = Check<I2cTemperatureSettings>(
            name => new I2cTemperatureSettings(name),
            [
                new("Bus", (c, v, d) => c with { Bus = ConfigValues.Integer(v, 0, 1023, d.Bus) }),
                new("Address", (c, v, d) => c with { Address = ConfigValues.IntegerOrHex(v, I2cTemperatureRule.MinAddress, I2cTemperatureRule.MaxAddress, d.Address) }),
                new("MaxCelsius", (c, v, _) => c with { MaxCelsius = ConfigValues.OptionalNumber(v, -55, 200) }),
            ],
            I2cTemperatureRule.Problems),
    };

    private static ICheckSchema Check<T>(Func<string, T> defaults, ConfigKey<T>[] keys, Func<T, IEnumerable<string>> validate)
        where T : BuiltinCheckSettings
    {
        ConfigKey<T>[] all = [.. CommonCheckKeys.Map(k => new ConfigKey<T>(k.Name, (c, v, d) => (T)k.Set(c, v, d))), .. keys];
        return new CheckSchema<T>(defaults, new SectionSchema<T>(all, validate));
    }
}

/// <summary>A type of <c>[Check:NAME]</c> section, without its record type showing.</summary>
internal interface ICheckSchema
{
    IEnumerable<string> KeyNames { get; }

    BuiltinCheckSettings Build(string name, SectionApplier applier);
}

internal sealed record CheckSchema<T>(Func<string, T> Defaults, SectionSchema<T> Section) : ICheckSchema
    where T : BuiltinCheckSettings
{
    public IEnumerable<string> KeyNames => Section.Keys.Map(k => k.Name);

    public BuiltinCheckSettings Build(string name, SectionApplier applier) => applier.Apply(Section, Defaults(name));
}
