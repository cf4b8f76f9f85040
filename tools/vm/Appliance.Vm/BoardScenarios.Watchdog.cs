using System.Globalization;
using System.Text.Json;

namespace Appliance.Vm;

/// <summary>
/// Issue 5: the agent's watchdog daemon (`appliance watchdog run`) on real
/// watchdog drivers (the emulated i6300esb, softdog, gpio-sim). init.sh's
/// watchdog_scenario appends the [Watchdog] section (Board=none,
/// Device=identity:i6300ESB timer, Timeout=5, Interval=1s, MagicCloseOnStop=yes
/// plus the mode's keys) and drives the daemon; see tools/vm/README.md.
/// </summary>
public static partial class BoardScenarios
{
    /// <summary>The daemon's Timeout= in init.sh.</summary>
    public const int DaemonTimeoutSeconds = 5;

    /// <summary>
    /// Allowed beyond the timeout from the kill (or the stop) to the firmware
    /// banner: the last pet is up to one Interval (1 s) before, and QEMU's
    /// i6300esb counts its two stages on a clock that runs a little slow under TCG.
    /// </summary>
    public static readonly TimeSpan ResetSlack = TimeSpan.FromSeconds(3);

    /// <summary>Issue 5, scenario 1: pets keep the VM alive; the timeouts read back; SIGTERM disarms.</summary>
    public static async Task<ScenarioResult> WatchdogDaemonPetsAsync(QemuBoard board, Action<string> say)
    {
        var run = new Run(WatchdogDaemonPets, board, say);
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["next_entry"] = "wdt-pets" });
        board.Start();
        await WaitBootAsync(board, "wdt-pets").ConfigureAwait(false);
        var running = await board.WaitForAsync(Markers.WatchdogDaemonRunning).ConfigureAwait(false);
        run.Say($"boot {running.Boot}: `appliance watchdog run` petting the i6300esb and softdog (Timeout={DaemonTimeoutSeconds}, Interval=1s, BuiltinChecks=fds)");

        var info = await board.WaitForAsync(Markers.WatchdogInfo, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        var status = await board.WaitForAsync(Markers.WatchdogStatus).ConfigureAwait(false);
        run.Expect(board.Boots == 1, $"the VM reset while the daemon was petting ({board.Boots} boots)");
        var infoTimeouts = Timeouts(board, Markers.RestAfter(info, Markers.WatchdogInfo), "identity");
        var statusTimeouts = Timeouts(board, Markers.RestAfter(status, Markers.WatchdogStatus), "name");
        foreach (var device in new[] { "i6300ESB timer", "Software Watchdog" })
        {
            run.Expect(infoTimeouts.Any(t => t.Key.Contains(device, StringComparison.Ordinal) && t.Value == DaemonTimeoutSeconds),
                $"`watchdog info --json` should show {device} with timeout_seconds {DaemonTimeoutSeconds}: {info.Text}");
        }

        run.Expect(statusTimeouts.Count(t => t.Value == DaemonTimeoutSeconds) >= 2,
            $"`watchdog status --json` should list two targets with timeout_seconds {DaemonTimeoutSeconds}: {status.Text}");
        var pets = PetCount(Markers.RestAfter(status, Markers.WatchdogStatus));
        run.Say($"boot {info.Boot}: after {(info.Elapsed - running.Elapsed).TotalSeconds:F0} s still one boot; info: {string.Join(", ", infoTimeouts.Select(t => $"{t.Key}={t.Value}s"))}; status: {pets} pets");

        var stopped = await board.WaitForAsync(Markers.WatchdogDaemonStopped).ConfigureAwait(false);
        await board.WaitForAsync(Markers.WatchdogAliveAfterStop).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        run.Expect(board.Boots == 1, $"the VM reset after the daemon stopped ({board.Boots} boots): SIGTERM with MagicCloseOnStop=yes should disarm both");
        run.Say($"SIGTERM: {stopped.Text}; no reset in the 8 s after (> Timeout); powered off");
        run.Observed["boots"] = board.Boots.ToString(CultureInfo.InvariantCulture);
        run.Observed["pets"] = pets.ToString(CultureInfo.InvariantCulture);
        return run.Finish();
    }

    /// <summary>Issue 5, scenarios 2 and 3: SIGKILL resets the VM within the timeout; the next boot's record says "watchdog reset".</summary>
    public static async Task<ScenarioResult> WatchdogDaemonKilledAsync(QemuBoard board, Action<string> say)
    {
        var run = new Run(WatchdogDaemonKilled, board, say);
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["next_entry"] = "wdt-kill" });
        board.Start();
        await WaitBootAsync(board, "wdt-kill").ConfigureAwait(false);
        await board.WaitForAsync(Markers.WatchdogDaemonRunning).ConfigureAwait(false);
        var killed = await board.WaitForAsync(Markers.WatchdogDaemonKilled).ConfigureAwait(false);
        var reset = await board.WaitForAsync(board.Banner, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var latency = reset.Elapsed - killed.Elapsed;
        var limit = TimeSpan.FromSeconds(DaemonTimeoutSeconds) + ResetSlack;
        run.Expect(latency <= limit, $"the reset came {latency.TotalSeconds:F1} s after the kill, more than Timeout {DaemonTimeoutSeconds} s + {ResetSlack.TotalSeconds:F0} s");
        run.Say($"boot {killed.Boot}: daemon SIGKILLed; the i6300esb reset the VM {latency.TotalSeconds:F1} s later (limit {limit.TotalSeconds:F0} s)");

        var report = await ReportAsync(board, run).ConfigureAwait(false);
        run.Say($"boot {report.Boot}: reset-cause.json cause=\"{report.Cause}\", i6300esb bootstatus {report.Bootstatus}");
        run.Observed["reset_latency_s"] = latency.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        run.Observed["cause"] = report.Cause;
        run.Observed["bootstatus"] = report.Bootstatus.ToString(CultureInfo.InvariantCulture);
        return run.Finish();
    }

    /// <summary>Issue 5, scenario 4: a failing health check makes the daemon stop petting on purpose; the VM resets.</summary>
    public static async Task<ScenarioResult> WatchdogCheckFailsAsync(QemuBoard board, Action<string> say)
    {
        var run = new Run(WatchdogCheckFails, board, say);
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["next_entry"] = "wdt-check-fail" });
        board.Start();
        await WaitBootAsync(board, "wdt-check-fail").ConfigureAwait(false);
        var running = await board.WaitForAsync(Markers.WatchdogDaemonRunning).ConfigureAwait(false);
        var stop = await board.WaitForAsync(Markers.WatchdogStoppingOnPurpose, TimeSpan.FromSeconds(40)).ConfigureAwait(false);
        var reset = await board.WaitForAsync(board.Banner, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var latency = reset.Elapsed - stop.Elapsed;
        var limit = TimeSpan.FromSeconds(DaemonTimeoutSeconds) + ResetSlack;
        run.Expect(latency <= limit, $"the reset came {latency.TotalSeconds:F1} s after the daemon stopped petting, more than {limit.TotalSeconds:F0} s");
        run.Say($"boot {stop.Boot}: Check=/bin/false failing; {(stop.Elapsed - running.Elapsed).TotalSeconds:F1} s after start: \"{Markers.From(stop, "appliance: ")}\"; reset {latency.TotalSeconds:F1} s later");

        var report = await ReportAsync(board, run).ConfigureAwait(false);
        using var lastStop = ParseJson(board, report.LastStop, "last-stop.json");
        var reason = lastStop.RootElement.TryGetProperty("reason", out var r) ? r.GetString() ?? string.Empty : string.Empty;
        run.Expect(reason.Length > 0, $"last-stop.json should give the reason: {report.LastStop}");
        run.Say($"boot {report.Boot}: last-stop.json reason=\"{reason}\"; reset-cause.json cause=\"{report.Cause}\"");
        run.Observed["reason"] = reason;
        run.Observed["last_stop"] = report.LastStop;
        run.Observed["cause"] = report.Cause;
        run.Observed["reset_latency_s"] = latency.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        return run.Finish();
    }

    /// <summary>Issue 5, scenario 5: the GPIO watchdog line of a gpio-sim chip toggles.</summary>
    public static async Task<ScenarioResult> WatchdogGpioAsync(QemuBoard board, Action<string> say)
    {
        var run = new Run(WatchdogGpio, board, say);
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["next_entry"] = "wdt-gpio" });
        board.Start();
        await WaitBootAsync(board, "wdt-gpio").ConfigureAwait(false);
        var chip = await board.WaitForAsync(Markers.GpioSimChip).ConfigureAwait(false);
        var values = await board.WaitForAsync(Markers.WatchdogGpioValues).ConfigureAwait(false);
        var seen = Markers.ValueAfter(values, "values=");
        run.Expect(seen.Contains('0') && seen.Contains('1'), $"the GPIO watchdog line should toggle while the daemon runs, sampled every 250 ms: {values.Text}");
        await board.WaitForAsync(Markers.WatchdogDaemonStopped).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        var rss = Markers.ValueAfter(values, "rss=");
        run.Say($"boot {values.Boot}: {Markers.From(chip, "gpio-sim")}; sim_gpio3/value sampled every 250 ms: {seen}; daemon RSS {rss} with libgpiod loaded");
        run.Observed["values"] = seen;
        run.Observed["rss"] = rss;
        return run.Finish();
    }

    /// <summary>
    /// Issue 12: an LM75 on i2c-stub, read through System.Device.I2c, as [Check:board-temp]
    /// (MaxCelsius=70) for `appliance check` and, through HealthCheck=board-temp, the daemon.
    /// At 25 °C both pass and the daemon pets; at 90 °C the check fails, the daemon stops
    /// petting on purpose and the i6300esb resets the VM; the next boot's last-stop.json says why.
    /// </summary>
    public static async Task<ScenarioResult> WatchdogI2cTemperatureAsync(QemuBoard board, Action<string> say)
    {
        var run = new Run(WatchdogI2cTemperature, board, say);
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["next_entry"] = "wdt-i2c-temp" });
        board.Start();
        await WaitBootAsync(board, "wdt-i2c-temp").ConfigureAwait(false);
        var bus = await board.WaitForAsync(Markers.I2cStubBus).ConfigureAwait(false);
        var cool = await board.WaitForAsync(Markers.WatchdogI2cCheck).ConfigureAwait(false);
        run.Expect(Markers.ValueAfter(cool, "rc=") == "0" && cool.Text.Contains("25.0", StringComparison.Ordinal),
            $"`appliance check` should pass with the sensor at 25 °C and show the reading: {cool.Text}");
        var healthy = await board.WaitForAsync(Markers.WatchdogI2cHealthy, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        run.Expect(Markers.ValueAfter(healthy, "alive=") == "yes" && board.Boots == 1,
            $"the daemon should keep petting while the sensor reads 25 °C: {healthy.Text}");
        var hot = await board.WaitForAsync(Markers.WatchdogI2cCheck).ConfigureAwait(false);
        run.Expect(Markers.ValueAfter(hot, "rc=") == "1" && hot.Text.Contains("MaxCelsius=70", StringComparison.Ordinal),
            $"`appliance check` should fail with the sensor at 90 °C and name the limit: {hot.Text}");
        var stop = await board.WaitForAsync(Markers.WatchdogStoppingOnPurpose, TimeSpan.FromSeconds(40)).ConfigureAwait(false);
        var reset = await board.WaitForAsync(board.Banner, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var latency = reset.Elapsed - stop.Elapsed;
        var limit = TimeSpan.FromSeconds(DaemonTimeoutSeconds) + ResetSlack;
        run.Expect(latency <= limit, $"the reset came {latency.TotalSeconds:F1} s after the daemon stopped petting, more than {limit.TotalSeconds:F0} s");
        run.Say($"boot {stop.Boot}: {Markers.From(bus, "i2c-stub")}; 25 °C: check rc 0, daemon petting (RSS {Markers.ValueAfter(healthy, "rss=")}); 90 °C: \"{Markers.From(stop, "appliance: ")}\"; reset {latency.TotalSeconds:F1} s later");

        var report = await ReportAsync(board, run).ConfigureAwait(false);
        run.Expect(report.LastStop.Contains("MaxCelsius=70", StringComparison.Ordinal), $"last-stop.json should name the sensor's limit: {report.LastStop}");
        run.Say($"boot {report.Boot}: last-stop.json {report.LastStop}");
        run.Observed["last_stop"] = report.LastStop;
        run.Observed["reset_latency_s"] = latency.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        return run.Finish();
    }

    private sealed record ResetReport(int Boot, string Cause, int Bootstatus, string LastStop);

    /// <summary>The wdt-report boot the guest staged (next_entry) before the reset.</summary>
    private static async Task<ResetReport> ReportAsync(QemuBoard board, Run run)
    {
        await WaitBootAsync(board, "wdt-report").ConfigureAwait(false);
        var bootstatus = await board.WaitForAsync(Markers.Bootstatus).ConfigureAwait(false);
        var cause = await board.WaitForAsync(Markers.WatchdogResetCause).ConfigureAwait(false);
        var lastStop = await board.WaitForAsync(Markers.WatchdogLastStop).ConfigureAwait(false);
        await board.WaitForAsync(Markers.WatchdogDaemonStopped).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);

        var expected = board.Profile.ResetBootstatus;
        var sysfs = Markers.ValueAfter(bootstatus, Markers.Bootstatus);
        run.Expect(sysfs == expected.ToString(CultureInfo.InvariantCulture), $"after the reset the i6300esb's sysfs bootstatus should be {expected}: {bootstatus.Text}");
        using var record = ParseJson(board, Markers.RestAfter(cause, Markers.WatchdogResetCause), "reset-cause.json");
        var text = record.RootElement.GetProperty("cause").GetString() ?? string.Empty;
        run.Expect(text == "watchdog reset", $"reset-cause.json should say \"watchdog reset\": {cause.Text}");
        var device = record.RootElement.GetProperty("devices").EnumerateArray()
            .FirstOrDefault(d => d.TryGetProperty("sysfs_bootstatus", out var b) && b.ValueKind == JsonValueKind.Number && b.GetInt32() == expected);
        run.Expect(device.ValueKind == JsonValueKind.Object, $"reset-cause.json should record sysfs_bootstatus {expected} for the i6300esb: {cause.Text}");
        return new ResetReport(cause.Boot, text, expected, Markers.RestAfter(lastStop, Markers.WatchdogLastStop));
    }

    private static JsonDocument ParseJson(QemuBoard board, string json, string what)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw board.Fail($"{what} as the guest printed it is not JSON ({e.Message}): {json}");
        }
    }

    /// <summary>Every object in <paramref name="json"/> with a timeout_seconds number, keyed by its <paramref name="nameProperty"/> (or name/path).</summary>
    private static List<KeyValuePair<string, int>> Timeouts(QemuBoard board, string json, string nameProperty)
    {
        using var doc = ParseJson(board, json, "watchdog JSON");
        var found = new List<KeyValuePair<string, int>>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                if (e.TryGetProperty("timeout_seconds", out var t) && t.ValueKind == JsonValueKind.Number)
                {
                    var name = new[] { nameProperty, "name", "path" }
                        .Select(p => e.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
                        .FirstOrDefault(v => v is not null) ?? "?";
                    found.Add(new(name, t.GetInt32()));
                }

                foreach (var p in e.EnumerateObject())
                {
                    Walk(p.Value);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item);
                }
            }
        }

        Walk(doc.RootElement);
        return found;
    }

    private static long PetCount(string statusJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(statusJson);
            return doc.RootElement.TryGetProperty("daemon", out var d) && d.ValueKind == JsonValueKind.Object && d.TryGetProperty("pets", out var p) ? p.GetInt64() : -1;
        }
        catch (JsonException)
        {
            return -1;
        }
    }
}
