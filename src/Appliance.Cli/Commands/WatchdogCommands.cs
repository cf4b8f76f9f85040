using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Appliance.Core.Collections;
using Appliance.Core.Config;
using Appliance.Core.Json;
using Appliance.Core.Watchdog;
using Appliance.Linux.Config;
using Appliance.Linux.Kernel;
using Appliance.Linux.Notify;
using Appliance.Linux.Watchdog;

namespace Appliance.Cli.Commands;

/// <summary><c>appliance watchdog</c>: the watchdog daemon, and what it and the hardware say.</summary>
public static class WatchdogCommands
{
    /// <summary>Where the <c>[Watchdog]</c> section is read from, under --root.</summary>
    public const string DefaultConfig = "etc/appliance/appliance.conf";

    public static Command Build(CliContext context)
    {
        var watchdog = new Command("watchdog", "Pet hardware, GPIO and systemd watchdogs while the machine is healthy");
        // One option per command: the help of each names the object it prints.
        var statusJson = CliContext.JsonOption("Print one JSON object: {\"running\",\"daemon\",\"reset_cause\",\"last_stop\"}");
        var infoJson = CliContext.JsonOption("Print one JSON object: {\"watchdogs\":[...]}, one entry per device");

        var configOption = new Option<string?>("--config")
        {
            Description = $"Read [Watchdog] from this file only (default: <root>/{DefaultConfig} and its drop-ins <root>/etc/appliance/appliance.conf.d/*.conf). Taken as given, not under --root.",
            HelpName = "FILE",
        };
        var boardsOption = new Option<string?>("--boards")
        {
            Description = "Directory of board profiles, NAME/watchdog.json (default: <root>/usr/share/appliance/boards)",
            HelpName = "DIR",
        };
        var run = new Command("run", "Run the watchdog daemon (systemd Type=notify; SIGHUP reloads, SIGTERM stops)") { configOption, boardsOption };
        run.SetAction(parsed => context.Guarded(() => Run(context, parsed, configOption, boardsOption)));

        var status = new Command("status", "Show the daemon's state: last pet, targets, health, last reset cause, last deliberate stop") { statusJson };
        status.SetAction(parsed => context.Guarded(() => Status(context, context.Root(parsed), parsed.GetValue(statusJson))));

        var info = new Command("info", "Show each watchdog device from sysfs (without opening it: opening arms it)") { infoJson };
        info.SetAction(parsed => context.Guarded(() => Info(context, context.Root(parsed), parsed.GetValue(infoJson))));

        watchdog.Subcommands.Add(run);
        watchdog.Subcommands.Add(status);
        watchdog.Subcommands.Add(info);
        return watchdog;
    }

    private static int Run(CliContext context, ParseResult parsed, Option<string?> configOption, Option<string?> boardsOption)
    {
        string root = context.Root(parsed);
        string config = parsed.GetValue(configOption) ?? Path.Combine(root, DefaultConfig) + " (or a drop-in in appliance.conf.d)";
        string boards = parsed.GetValue(boardsOption) ?? BoardProfiles.DefaultDirectory(root);
        var log = context.Error;

        WatchdogSettings Load()
        {
            if (parsed.GetValue(configOption) is { } explicitFile)
            {
                // A file given by --config stands alone: HealthCheck= finds [Check:NAME] only there.
                return ConfigLoader.ReadFile(explicitFile).Require().Watchdog;
            }

            // The shared loader: appliance.conf, then appliance.conf.d/*.conf, each checked for
            // ownership and mode; its errors (in any section) stop the daemon as they stop every command.
            return ConfigLoader.Read(root).Require().Watchdog;
        }

        var systemd = SystemdWatchdog.FromEnvironment(Environment.GetEnvironmentVariable, Environment.ProcessId);
        using var notifier = SystemdNotifier.Create(systemd.NotifySocket);
        var files = new WatchdogFiles(root, context.FileSteps);
        var daemon = new WatchdogDaemon(
            new WatchdogDaemonContext(new KernelInfo(root).BootId(), Environment.ProcessId, context.Time, log, files, Announce(root, context, log)),
            Load,
            new LinuxWatchdogPlatform(root, boards, context.FileSteps, context.Time),
            notifier,
            systemd.WatchdogTimeout);

        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            signal.Cancel = true;
            daemon.RequestReload();
        });

        try
        {
            daemon.Run(stop.Token);
            return ExitCodes.Ok;
        }
        catch (ConfigException e)
        {
            foreach (var error in e.Diagnostics)
            {
                log.WriteLine($"appliance: {error}");
            }

            return ExitCodes.Config;
        }
        catch (WatchdogSelectionException e)
        {
            log.WriteLine($"appliance: {e.Message}; fix Device= in [Watchdog] of {config}");
            return ExitCodes.Config;
        }
    }

    private static int Status(CliContext context, string root, bool json)
    {
        var files = new WatchdogFiles(root, context.FileSteps);
        var state = files.ReadState();
        string bootId = new KernelInfo(root).BootId();
        bool running = state is not null && state.BootId == bootId && Directory.Exists(Path.Combine(root, "proc", state.Pid.ToString(CultureInfo.InvariantCulture)));
        var report = new WatchdogStatusReport
        {
            Running = running,
            Daemon = state,
            ResetCause = files.ReadResetCause(),
            LastStop = files.ReadLastStop(),
        };

        if (json)
        {
            context.Output.WriteLine(JsonSerializer.Serialize(report, ApplianceJsonContext.Default.WatchdogStatusReport));
            return ExitCodes.Ok;
        }

        var o = context.Output;
        DateTimeOffset now = context.Time.GetUtcNow();
        if (state is null)
        {
            o.Write($"daemon: not running (no {files.StatePath})\n");
        }
        else
        {
            string pet = state.LastPet is { } p ? $"{Stamp(p)} ({(now - p).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s ago)" : "never";
            o.Write($"daemon: {(running ? $"running (pid {state.Pid})" : $"not running (last seen as pid {state.Pid} at {Stamp(state.UpdatedAt)})")}\n");
            o.Write($"gate: {state.Gate}; {(state.Healthy ? "healthy" : "unhealthy")}\n");
            o.Write($"last pet: {pet}; {state.Pets} pets, every {state.IntervalMs} ms\n");
            o.Write(state.LatePets == 0
                ? "late pets: none (none went out more than half an interval after it was due)\n"
                : $"late pets: {state.LatePets} (more than half an interval after they were due); the largest {state.LargestLatenessMs} ms late\n");
            o.Write($"board: {state.Board ?? "none"}\n");
            o.Write(state.SystemdHoldsWatchdog is { } why
                ? $"hardware watchdog: held by systemd ({why}); the daemon gates systemd's service watchdog (WATCHDOG=1 only while healthy)\n"
                : "hardware watchdog: not held by systemd; the daemon pets its devices itself\n");
            foreach (var t in state.Targets)
            {
                string pre = t.PretimeoutSupport is null ? ""
                    : t.PretimeoutSeconds is > 0 ? $", pretimeout {t.PretimeoutSeconds} s ({t.PretimeoutSupport})"
                    : $", pretimeout {(t.PretimeoutSupport == "no" ? "not supported" : $"supported ({t.PretimeoutSupport}), not set")}";
                o.Write($"target: {t.Name} ({t.Kind}{(t.TimeoutSeconds is { } s ? $", timeout {s} s" : "")}{pre}){(t.LastError is { } e ? $"; last error: {e}" : "")}\n");
            }

            foreach (string f in state.Failures)
            {
                o.Write($"failing: {f}\n");
            }
        }

        o.Write(report.ResetCause is { } r ? $"last reset: {r.Cause} (recorded {Stamp(r.RecordedAt)}, boot {r.BootId})\n" : "last reset: not recorded\n");
        o.Write(report.LastStop is { } l ? $"last deliberate stop: {Stamp(l.StoppedAt)}, boot {l.BootId}: {l.Reason}\n" : "last deliberate stop: none\n");
        return ExitCodes.Ok;
    }

    private static int Info(CliContext context, string root, bool json)
    {
        var sysfs = new WatchdogSysfs(root);
        var devices = sysfs.Names().Map(sysfs.Info);
        if (json)
        {
            context.Output.WriteLine(JsonSerializer.Serialize(new WatchdogInfoReport(devices), ApplianceJsonContext.Default.WatchdogInfoReport));
            return devices.Count == 0 ? ExitCodes.NotFound : ExitCodes.Ok;
        }

        if (devices.Count == 0)
        {
            context.Error.WriteLine($"appliance: {sysfs.ClassDirectory}: no watchdog devices; load a driver (e.g. modprobe softdog, or the board's: see boards/*/watchdog.json)");
            return ExitCodes.NotFound;
        }

        var o = context.Output;
        foreach (var d in devices)
        {
            o.Write($"{d.Path}\n");
            o.Write($"  identity:    {d.Identity ?? "?"}\n");
            o.Write($"  state:       {d.State ?? "?"}\n");
            o.Write($"  options:     {(d.Options is { } opt ? $"0x{opt:x4} {string.Join(' ', d.OptionNames)}" : "? (kernel before 6.2 has no sysfs options)")}\n");
            o.Write($"  firmware:    {d.FirmwareVersion?.ToString(CultureInfo.InvariantCulture) ?? "?"}\n");
            o.Write($"  timeout:     {Seconds(d.TimeoutSeconds)}\n");
            o.Write($"  timeleft:    {Seconds(d.TimeleftSeconds)}\n");
            o.Write($"  pretimeout:  {Seconds(d.PretimeoutSeconds)}{(d.PretimeoutGovernor is { } g ? $" (governor {g}; available: {d.PretimeoutAvailableGovernors ?? "?"})" : "")}\n");
            o.Write($"  pretimeout supported: {Pretimeout.Describe(sysfs.PretimeoutSupport(d.Name, d.Options))}\n");
            o.Write($"  nowayout:    {(d.Nowayout is { } n ? (n ? "yes" : "no") : "?")}\n");
            o.Write($"  bootstatus:  {(d.BootStatus is { } b ? $"0x{b:x} ({ResetCause.Summary(b)})" : "?")}\n");
        }

        return ExitCodes.Ok;
    }

    private static string Seconds(int? s) => s is { } v ? $"{v} s" : "? (not supported by the driver)";

    private static string Stamp(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Event hooks run on a pool thread: the daemon calls this from its pet thread, which must never wait on a hook.</summary>
    private static Action<string, string> Announce(string root, CliContext context, TextWriter log) =>
        (name, message) => ThreadPool.QueueUserWorkItem(_ => Appliance.Linux.Events.EventHooks.Fire(
            root,
            new Appliance.Core.Events.EventDescription { Event = name, Time = context.Time.GetUtcNow(), Message = message },
            Appliance.Linux.Events.EventHooks.DefaultTimeout,
            log,
            context.Time));
}
