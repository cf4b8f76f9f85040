using System.Text.RegularExpressions;
using Appliance.Core.Watchdog;
using Appliance.Linux.Config;
using Appliance.Tests.Support;

namespace Appliance.Tests.Packaging;

/// <summary>What make install stages (tools/packaging/install.sh), and the shipped default configuration.</summary>
public sealed class InstallTreeTests : IDisposable
{
    private static readonly string[] WatchdogKeys =
    [
        "Device", "Board", "Timeout", "Pretimeout", "PretimeoutGovernor", "Interval", "MagicCloseOnStop", "Grace", "Repair", "RepairTimeout",
        "CheckInterval", "CheckTimeout", "Check", "HealthCheck", "BuiltinChecks", "MaxTemperature", "MaxCorrectedErrorsPerInterval", "MaxFileDescriptorPercent",
        "OutputLimitBytes", "RealtimePriority", "LockMemory", "OomScoreAdjust", "GpioChip", "GpioLine", "GpioMode", "GpioPulse", "GpioTimeout",
        "GpioActiveLow", "StatusLed",
    ];

    private static readonly string[] BootAndCheckKeys =
    [
        "Tries", "ValidateDeadlineSec", "ArmKexec", "RebootOnFailure", "Directory", "TimeoutSec", "OutputLimitBytes", "MaxParallel",
        "Type", "Enabled", "Required", "AllowDegraded", "MaxLoad1", "MaxLoad5", "MaxLoad15", "MinAvailableMiB", "MinAvailablePercent",
        "MaxUsedPercent", "Path", "MinFreeMiB", "MinFreePercent", "WriteProbe", "MaxAgeSec", "PidFile", "Bus", "Address", "MaxCelsius",
    ];

    private readonly TempDir _dest = new();

    public void Dispose() => _dest.Dispose();

    private static string ShippedConfig => File.ReadAllText(Path.Combine(RepoPaths.Root, "tools/packaging/etc/appliance.conf"));

    private ProcessResult Install(string prefix)
    {
        var start = ProcessRunner.Start("/usr/bin/env", [$"PREFIX={prefix}", $"DESTDIR={_dest.Path}", Path.Combine(RepoPaths.Root, "tools/packaging/install.sh"), ApplianceBinary.Program]);
        var result = ProcessRunner.Finish(start, "install.sh");
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    [Fact]
    public void Install_PrefixUsrLocal_DropInUnitsAndBoardsPointUnderThePrefix()
    {
        Install("/usr/local");

        Assert.True(File.Exists(_dest.File("usr/local/bin/appliance")));
        Assert.True(File.Exists(_dest.File("usr/local/share/appliance/grub/appliance.cfg")));
        Assert.True(File.Exists(_dest.File("usr/local/share/appliance/boards/qemu-x86_64/watchdog.json")));
        Assert.Contains("\nFailureAction=reboot-force\n", File.ReadAllText(_dest.File("usr/local/share/appliance/systemd/systemd-owns-watchdog.conf")));
        Assert.Equal(CheckTreeMode755, File.GetUnixFileMode(_dest.File("etc/grub.d/01_appliance")));

        // The drop-in names the copy under the prefix: run it, and it looks exactly there.
        var dropIn = ProcessRunner.Run("/bin/sh", _dest.File("etc/grub.d/01_appliance"));
        Assert.Equal(0, dropIn.ExitCode);
        Assert.Contains("/usr/local/share/appliance/grub/appliance.cfg is missing", dropIn.Stderr);

        string validate = File.ReadAllText(_dest.File("usr/local/lib/systemd/system/appliance-validate.service"));
        Assert.Contains("\nExecStart=/usr/local/bin/appliance boot validate\n", validate);
        string watchdog = File.ReadAllText(_dest.File("usr/local/lib/systemd/system/appliance-watchdog.service"));
        Assert.Contains("\nExecStart=/usr/local/bin/appliance watchdog run --boards /usr/local/share/appliance/boards\n", watchdog);
        Assert.True(File.Exists(_dest.File("usr/local/share/man/man8/appliance.8")));
        Assert.True(File.Exists(_dest.File("usr/local/share/bash-completion/completions/appliance")));
        Assert.True(Directory.Exists(_dest.File("var/lib/appliance")));
    }

    [Fact]
    public void Install_PrefixUsr_DropInUnchangedAndNothingWritableByOthers()
    {
        Install("/usr");

        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "grub/01_appliance")), File.ReadAllText(_dest.File("etc/grub.d/01_appliance")));
        Assert.Contains("\nExecStart=/usr/bin/appliance watchdog run\n", File.ReadAllText(_dest.File("usr/lib/systemd/system/appliance-watchdog.service")));
        foreach (string path in Directory.EnumerateFileSystemEntries(_dest.Path, "*", SearchOption.AllDirectories))
        {
            Assert.True((File.GetUnixFileMode(path) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0, $"{path} is group- or world-writable");
        }

        // Example checks and hooks sit in examples/ directories, which never run (the next test);
        // they are 0755 so that a plain cp one level up makes a check or hook that runs (issue 14).
        var examples = Directory.GetFiles(_dest.File("etc/appliance"), "*", SearchOption.AllDirectories).Where(f => f.Contains("/examples/", StringComparison.Ordinal)).ToList();
        Assert.True(examples.Count >= 4, string.Join(", ", examples));
        Assert.All(examples, f => Assert.True(File.GetUnixFileMode(f) == (UnixFileMode)0b111_101_101, $"{f} is {Convert.ToString((int)File.GetUnixFileMode(f), 8)}, not 755"));
        foreach (string e in new[] { "trial-staged", "committed", "rolled-back", "watchdog-reset", "check-failing", "rescue-entered" })
        {
            Assert.True(Directory.Exists(_dest.File($"etc/appliance/hooks.d/{e}")), e);
        }
    }

    [Fact]
    public void Install_StagedTree_CheckRunsWithTheShippedConfigAndExamplesWithoutAnyRefusal()
    {
        Install("/usr");
        Directory.CreateDirectory(_dest.File("proc"));

        var check = ApplianceBinary.Run("--root", _dest.Path, "check", "--json");

        Assert.True(check.ExitCode is 0 or 1, check.ToString());
        Assert.Equal("", check.Stderr);
        Assert.DoesNotContain("refusing", check.StdoutText);
        Assert.DoesNotContain("examples", check.StdoutText);
        Assert.DoesNotContain("10-default-route", check.StdoutText);
    }

    [Fact]
    public void Install_Twice_KeepsTheOperatorsConfig()
    {
        Install("/usr");
        File.WriteAllText(_dest.File("etc/appliance/appliance.conf"), "[Boot]\nTries=5\n");

        var again = Install("/usr");

        Assert.Equal("[Boot]\nTries=5\n", File.ReadAllText(_dest.File("etc/appliance/appliance.conf")));
        Assert.Contains("keeping existing", again.Stderr);
    }

    [Fact]
    public void ShippedConfig_AsIs_ParsesToTheDefaults()
    {
        var loaded = Load(ShippedConfig);

        Assert.Empty(loaded.Diagnostics);
        Assert.Equal(Appliance.Core.Config.ApplianceConfig.Default.Boot, loaded.Config!.Boot);
        Assert.Equal(new WatchdogSettings(), loaded.Config!.Watchdog);
    }

    [Fact]
    public void ShippedConfig_EveryExampleUncommented_Parses()
    {
        string uncommented = Regex.Replace(ShippedConfig, @"(?m)^#(\[[A-Za-z:-]+\]|[A-Za-z0-9]+=.+)$", "$1");
        Assert.True(uncommented.Split('\n').Count(l => Regex.IsMatch(l, "^[A-Za-z0-9]+=")) > 40, uncommented);

        var loaded = Load(uncommented);

        Assert.True(!loaded.Errors.Any(), string.Join("\n", loaded.Diagnostics));
        Assert.Equal("/dev/gpiochip0", loaded.Config!.Watchdog.Gpio!.Chip);
        Assert.Contains(loaded.Config!.BuiltinChecks, c => c.Name == "var");
        Assert.Contains(loaded.Config!.BuiltinChecks, c => c is Appliance.Core.Health.I2cTemperatureSettings { Name: "board-temp", Address: 0x48 });
    }

    [Fact]
    public void ShippedConfig_EveryKey_DocumentedAsACommentedSetting()
    {
        string text = ShippedConfig;
        var missing = WatchdogKeys.Concat(BootAndCheckKeys).Where(k => !Regex.IsMatch(text, $@"(?m)^#{k}=")).ToList();

        Assert.True(missing.Count == 0, "appliance.conf lacks: " + string.Join(", ", missing));
        Assert.DoesNotMatch(@"(?m)^[A-Za-z]", text);
    }

    private static readonly UnixFileMode CheckTreeMode755 = Appliance.Tests.Linux.Health.CheckTree.Mode755;

    private ConfigLoadResult Load(string text)
    {
        string path = Appliance.Tests.Linux.Health.CheckTree.Text(_dest, "etc/appliance/appliance.conf", text);
        Assert.True(File.Exists(path));
        return ConfigLoader.Read(_dest.Path);
    }
}
