using Appliance.Core.Config;
using Appliance.Core.Health;

namespace Appliance.Tests.Core.Configuration;

/// <summary>
/// One value syntax for every section: each boolean, time span and size key, whichever section
/// it is in, takes and refuses exactly the same spellings (systemd's parse_boolean, systemd.time
/// spans summed from units, K/M/G sizes). Before one grammar, [Watchdog] refused "y" and "1min 30s".
/// </summary>
public sealed class ValueSyntaxTests
{
    /// <summary>(section text before the key, key, how to read the value back).</summary>
    public static TheoryData<string, string, Func<ApplianceConfig, bool>> BooleanKeys => new()
    {
        { "[Boot]", "ArmKexec", c => c.Boot.ArmKexec },
        { "[Boot]", "RebootOnFailure", c => c.Boot.RebootOnFailure },
        { "[Check:systemd]", "AllowDegraded", c => Check<SystemdStateSettings>(c, "systemd").AllowDegraded },
        { "[Check:systemd]", "Required", c => Check<SystemdStateSettings>(c, "systemd").Required },
        { "[Check:memory]", "Enabled", c => Check<MemorySettings>(c, "memory").Enabled },
        { "[Check:var]\nType=filesystem\nPath=/var", "WriteProbe", c => Check<FilesystemSettings>(c, "var").WriteProbe },
        { "[Watchdog]", "MagicCloseOnStop", c => c.Watchdog.MagicCloseOnStop },
        { "[Watchdog]", "LockMemory", c => c.Watchdog.LockMemory },
        { "[Watchdog]\nGpioChip=/dev/gpiochip0\nGpioLine=1", "GpioActiveLow", c => c.Watchdog.Gpio!.ActiveLow },
    };

    public static TheoryData<string, string, Func<ApplianceConfig, TimeSpan?>> TimeSpanKeys => new()
    {
        { "[Boot]", "ValidateDeadlineSec", c => c.Boot.ValidateDeadline },
        { "[Boot]", "TrialDeadlineSec", c => c.Boot.TrialDeadline },
        { "[Checks]", "TimeoutSec", c => c.Checks.Timeout },
        { "[Check:beat]\nType=freshness\nPath=/run/beat", "MaxAgeSec", c => Check<FreshnessSettings>(c, "beat").MaxAge },
        { "[Watchdog]", "Interval", c => c.Watchdog.Interval },
        { "[Watchdog]", "Grace", c => c.Watchdog.Grace },
        { "[Watchdog]", "RepairTimeout", c => c.Watchdog.RepairTimeout },
        { "[Watchdog]", "CheckInterval", c => c.Watchdog.CheckInterval },
        { "[Watchdog]", "CheckTimeout", c => c.Watchdog.CheckTimeout },
        { "[Watchdog]\nGpioChip=/dev/gpiochip0\nGpioLine=1", "GpioTimeout", c => c.Watchdog.Gpio!.Timeout },
    };

    public static TheoryData<string, string, Func<ApplianceConfig, int>> SizeKeys => new()
    {
        { "[Checks]", "OutputLimitBytes", c => c.Checks.OutputLimitBytes },
        { "[Watchdog]", "OutputLimitBytes", c => c.Watchdog.OutputLimitBytes },
    };

    private static readonly string[] Yes = ["yes", "y", "true", "t", "on", "1", "YES", "On"];
    private static readonly string[] No = ["no", "n", "false", "f", "off", "0", "NO"];
    private static readonly string[] NotBoolean = ["maybe", "2", "yess", "enabled"];
    private static readonly string[] NinetySeconds = ["90", "90s", "90sec", "1min 30s", "1.5min", "1m30s", "90000ms"];
    private static readonly string[] NotTimeSpan = ["soon", "5 parsecs", "-1s", "1min 30x", "s"];

    [Theory]
    [MemberData(nameof(BooleanKeys))]
    public void Boolean_EverySection_SameSpellings(string section, string key, Func<ApplianceConfig, bool> read)
    {
        foreach (string v in Yes)
        {
            Assert.True(read(Parse(section, key, v)), $"{key}={v}");
        }

        foreach (string v in No)
        {
            Assert.False(read(Parse(section, key, v)), $"{key}={v}");
        }

        foreach (string v in NotBoolean)
        {
            Assert.EndsWith($"invalid value '{v}' for {key} in {Title(section)}: expected yes or no", Error(section, key, v), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(TimeSpanKeys))]
    public void TimeSpan_EverySection_SameSpellingsSummedFromUnits(string section, string key, Func<ApplianceConfig, TimeSpan?> read)
    {
        foreach (string v in NinetySeconds)
        {
            Assert.True(read(Parse(section, key, v)) == TimeSpan.FromSeconds(90), $"{key}={v}");
        }

        foreach (string v in NotTimeSpan)
        {
            Assert.Contains($"invalid value '{v}' for {key} in {Title(section)}: expected a time span from ", Error(section, key, v), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(SizeKeys))]
    public void Size_EverySection_BytesOrPowersOf1024(string section, string key, Func<ApplianceConfig, int> read)
    {
        Assert.Equal(8192, read(Parse(section, key, "8192")));
        Assert.Equal(8192, read(Parse(section, key, "8K")));
        Assert.Equal(8192, read(Parse(section, key, "8 K")));
        Assert.Contains($"invalid value 'lots' for {key} in {Title(section)}: expected a size from ", Error(section, key, "lots"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BooleanKeys))]
    public void EmptyValue_EverySection_ResetsToTheDefault(string section, string key, Func<ApplianceConfig, bool> read)
    {
        bool defaultValue = read(Parse(section, key, ""));
        var twice = ConfigParser.Parse([("a.conf", $"{section}\n{key}={(defaultValue ? "no" : "yes")}\n"), ("b.conf", $"{Title(section)}\n{key}=\n")]).Require();

        Assert.Equal(defaultValue, read(twice));
    }

    private static T Check<T>(ApplianceConfig c, string name) where T : BuiltinCheckSettings => Assert.IsType<T>(Assert.Single(c.BuiltinChecks, b => b.Name == name));

    private static string Title(string section) => section.Split('\n')[0];

    private static ApplianceConfig Parse(string section, string key, string value) =>
        ConfigParser.Parse([("t.conf", $"{section}\n{key}={value}\n")]).Require();

    private static string Error(string section, string key, string value) =>
        Assert.Single(ConfigParser.Parse([("t.conf", $"{section}\n{key}={value}\n")]).Errors).ToString();
}
