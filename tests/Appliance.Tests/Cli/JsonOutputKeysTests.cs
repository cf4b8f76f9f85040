using System.CommandLine;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Appliance.Cli;
using Appliance.Core.Kexec;
using Appliance.Core.Watchdog;
using Appliance.Linux.Files;
using Appliance.Linux.Kexec;
using Appliance.Linux.Watchdog;
using Appliance.Tests.Linux.Watchdog;
using Appliance.Tests.Support;

namespace Appliance.Tests.Cli;

/// <summary>
/// Issue 14: every <c>--json</c> output names its keys in snake_case, all the way down. The
/// outputs are produced from one fake machine where every nested object is filled in (a rolled-back
/// trial with a failing check, the watchdog daemon's records, an armed kexec), so the walk reaches
/// each record the commands print.
/// </summary>
public sealed partial class JsonOutputKeysTests : IDisposable
{
    /// <summary>
    /// Objects whose keys are data, not schema, by command and path: these are what the command
    /// reports about (GRUB variable names, sysctl names), so their spelling is not ours to choose.
    /// </summary>
    private static readonly Dictionary<string, string[]> DataKeyed = new()
    {
        ["env list"] = ["$"],
        ["kexec status"] = ["$.panic_policy_saved.values"],
    };

    /// <summary>Paths each output must reach, so a record left null or empty does not pass the walk unseen.</summary>
    private static readonly Dictionary<string, string[]> MustReach = new()
    {
        ["status"] = ["$.last_trial.tries_left", "$.boots[].failing_checks[].name", "$.running_entry", "$.firmware.boot_next", "$.firmware.boot_order[]", "$.firmware.problems[]"],
        ["upgrade status"] = ["$.last_trial.boot_id", "$.known_good", "$.firmware.boot_current"],
        ["upgrade stage"] = ["$.tries_left", "$.boots[].boot_id"],
        ["check"] = ["$.checks[].exit_code", "$.checks[].duration_ms"],
        ["entries"] = ["$.entries[].conditional"],
        ["watchdog info"] = ["$.watchdogs[].option_names", "$.watchdogs[].bootstatus_decoded", "$.watchdogs[].timeout_seconds"],
        ["watchdog status"] =
        [
            "$.daemon.boot_id", "$.daemon.updated_at", "$.daemon.last_pet", "$.daemon.interval_ms",
            "$.daemon.targets[].timeout_seconds", "$.daemon.targets[].last_error",
            "$.reset_cause.recorded_at", "$.reset_cause.devices[].sysfs_bootstatus", "$.reset_cause.devices[].ioctl_bootstatus",
            "$.last_stop.stopped_at", "$.last_stop.boot_id",
        ],
        ["kexec status"] = ["$.armed_previous_boot.boot_id", "$.armed_previous_boot.reserved_bytes", "$.panic_policy_saved.values"],
        ["env list"] = ["$"],
    };

    private readonly TrialTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [GeneratedRegex("^[a-z0-9]+(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();

    [Fact]
    public void JsonOutputs_EveryCommandWithJsonOption_IsWalked()
    {
        Assert.Equal(CommandsWithJson().Order(StringComparer.Ordinal), MustReach.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void JsonOutputs_EveryKeyAtEveryDepth_IsSnakeCase()
    {
        var bad = new List<string>();
        var unreached = new List<string>();
        foreach (var (command, json) in Outputs())
        {
            using var document = JsonDocument.Parse(json);
            var paths = new HashSet<string>(StringComparer.Ordinal);
            Walk(document.RootElement, "$", DataKeyed.GetValueOrDefault(command, []), paths, bad, command);
            unreached.AddRange(MustReach[command].Concat(DataKeyed.GetValueOrDefault(command, [])).Where(p => !paths.Contains(p)).Select(p => $"{command} --json: {p} in {json}"));
        }

        Assert.Empty(bad);
        Assert.Empty(unreached);
    }

    /// <summary>Records every path reached (arrays as <c>[]</c>) and every key that is not snake_case, skipping the keys of data-keyed objects.</summary>
    private static void Walk(JsonElement element, string path, string[] dataKeyed, HashSet<string> paths, List<string> bad, string command)
    {
        paths.Add(path);
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Walk(item, path + "[]", dataKeyed, paths, bad, command);
            }
        }
        else if (element.ValueKind == JsonValueKind.Object && !dataKeyed.Contains(path))
        {
            foreach (var property in element.EnumerateObject())
            {
                if (!SnakeCase().IsMatch(property.Name))
                {
                    bad.Add($"{command} --json: {path}.{property.Name}");
                }

                Walk(property.Value, path + "." + property.Name, dataKeyed, paths, bad, command);
            }
        }
    }

    /// <summary>Every command path (<c>watchdog info</c>) with a --json option, found in the command classes themselves so a new one cannot be missed.</summary>
    private static List<string> CommandsWithJson()
    {
        var context = new CliContext(TextWriter.Null, TextWriter.Null, TimeProvider.System, LinuxFileSteps.Instance, _ => new RefusingRebooter());
        var builders = typeof(ApplianceApp).Assembly.GetTypes()
            .Where(t => t.Namespace == "Appliance.Cli.Commands")
            .Select(t => t.GetMethod("Build", BindingFlags.Public | BindingFlags.Static, [typeof(CliContext)]))
            .Where(m => m is not null && m.ReturnType == typeof(Command))
            .ToList();
        Assert.True(builders.Count >= 10, $"found only {builders.Count} command builders");
        var found = new List<string>();
        void Visit(Command command, string path)
        {
            if (command.Options.Any(o => o.Name == "--json"))
            {
                found.Add(path);
            }

            foreach (var sub in command.Subcommands)
            {
                Visit(sub, path + " " + sub.Name);
            }
        }

        foreach (var build in builders)
        {
            var command = (Command)build!.Invoke(null, [context])!;
            Visit(command, command.Name);
        }

        return found;
    }

    private IEnumerable<(string Command, string Json)> Outputs()
    {
        _tree.RunSickTrial();
        FakeTrees.AddWatchdog(_tree.Dir, 0, "i6300ESB timer", bootstatus: 32, options: 0x8180);
        WriteWatchdogRecords();
        WriteKexecRecords();
        WriteEfiVariables();

        (string Name, string[] Arguments)[] commands =
        [
            ("status", []), ("upgrade status", []), ("check", []), ("entries", []), ("watchdog info", []), ("watchdog status", []),
            ("kexec status", []), ("env list", []),

            // Last: staging changes the state the others report on.
            ("upgrade stage", ["trial"]),
        ];
        foreach (var (name, arguments) in commands)
        {
            var result = _tree.Run([.. name.Split(' '), .. arguments, "--json"]);
            Assert.True(result.ExitCode == 0, $"{name} --json: {result}");
            yield return (name, result.Stdout);
        }
    }

    private void WriteWatchdogRecords()
    {
        var files = new WatchdogFiles(_tree.Root, LinuxFileSteps.Instance);
        var at = DateTimeOffset.UnixEpoch;
        files.WriteResetCause(new ResetCauseRecord
        {
            BootId = "b",
            RecordedAt = at,
            Cause = "watchdog reset",
            Devices = [new DeviceResetCause { Device = "/dev/watchdog0", Identity = "i6300ESB timer", SysfsBootStatus = 32, IoctlBootStatus = 32, Causes = ["watchdog reset"] }],
        });
        files.WriteLastStop(new LastStopRecord { BootId = "b", StoppedAt = at, Reason = "stopped", Failures = ["disk"], Repair = "exit 1" });
        files.WriteState(new WatchdogDaemonState
        {
            Pid = 1,
            BootId = "b",
            UpdatedAt = at,
            LastPet = at,
            Pets = 3,
            IntervalMs = 1000,
            LatePets = 1,
            LargestLatenessMs = 620,
            SystemdHoldsWatchdog = "RuntimeWatchdogSec=30s (/etc/systemd/system.conf:2)",
            Gate = "open",
            Healthy = true,
            Board = "qemu-x86_64",
            Targets = [new PetTargetState { Name = "/dev/watchdog0", Kind = "device", TimeoutSeconds = 10, LastError = "EIO" }],
        });
    }

    /// <summary>A UEFI machine's BootCurrent, BootNext and BootOrder (efivarfs: 4 attribute bytes, then UINT16s), and a truncated BootNext-like file so problems is not empty.</summary>
    private void WriteEfiVariables()
    {
        string dir = _tree.Dir.Subdirectory(Appliance.Linux.Kernel.EfiBootVariablesReader.EfivarsDirectory);
        File.WriteAllBytes(Path.Combine(dir, Appliance.Core.Firmware.EfiBootVariables.FileName("BootCurrent")), [7, 0, 0, 0, 1, 0]);
        File.WriteAllBytes(Path.Combine(dir, Appliance.Core.Firmware.EfiBootVariables.FileName("BootNext")), [7, 0, 0]);
        File.WriteAllBytes(Path.Combine(dir, Appliance.Core.Firmware.EfiBootVariables.FileName("BootOrder")), [7, 0, 0, 0, 1, 0, 2, 0]);
    }

    private void WriteKexecRecords()
    {
        // A crash reservation, so the escape-hatch self-test finds nothing and 'check' exits 0.
        _tree.Write("sys/kernel/kexec_crash_size", (256L << 20) + "\n");
        var files = new KexecFiles(_tree.Root, LinuxFileSteps.Instance);
        var at = DateTimeOffset.UnixEpoch;
        files.WriteArmed(new ArmedState { Entry = "good", Kernel = "/boot/vmlinuz-6.1", Initrd = "/boot/initrd.img-6.1", CommandLine = "ro", Time = at, BootId = "an-earlier-boot", Memmap = ["1M@0"], ReservedBytes = 1 });
        files.WriteSavedSysctls(new SavedSysctls { BootId = File.ReadAllText(_tree.Dir.File("proc/sys/kernel/random/boot_id")).Trim(), Time = at, Values = new() { ["kernel.panic"] = "0" } });
    }
}
