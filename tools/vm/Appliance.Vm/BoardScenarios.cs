using System.Diagnostics;
using System.Globalization;

namespace Appliance.Vm;

/// <summary>Outcome of one scenario: what was observed, when, and a readable account.</summary>
public sealed record ScenarioResult(
    string Name,
    TimeSpan Duration,
    int Boots,
    IReadOnlyList<string> Narration,
    IReadOnlyDictionary<string, string> Observed);

/// <summary>
/// The end-to-end scenarios of the appliance board. Each one drives a fresh
/// board and throws <see cref="BoardException"/> (with the serial tail) as
/// soon as the board does something else than expected; tests and the CLI
/// share them so `run-scenario` reproduces exactly what a test did.
/// </summary>
public static class BoardScenarios
{
    public const string NextEntryOnce = "next-entry-once";
    public const string BootCounter = "boot-counter";
    public const string GuestSetNext = "guest-set-next";
    public const string WatchdogReset = "watchdog-reset";

    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>
    {
        [NextEntryOnce] = "host stages next_entry=trial; GRUB boots trial once, then the default (good) again",
        [BootCounter] = "host sets boot_counter=3; GRUB counts it down per boot with save_env; appliance and grub-editenv read the same values; at 0 GRUB forces good",
        [GuestSetNext] = "the guest runs `appliance env set next_entry=trial` and reboots; GRUB boots trial",
        [WatchdogReset] = "the guest stops petting the i6300esb; the watchdog resets the VM and the next boot reads bootstatus=32 (WDIOF_CARDRESET)",
    };

    public static Task<ScenarioResult> RunAsync(string name, QemuBoard board, Action<string> say) => name switch
    {
        NextEntryOnce => NextEntryHonouredOnceAsync(board, say),
        BootCounter => BootCounterDecrementsAsync(board, say),
        GuestSetNext => GuestSetsNextEntryAsync(board, say),
        WatchdogReset => WatchdogResetReportedAsync(board, say),
        _ => throw new BoardException($"unknown scenario '{name}'; known: {string.Join(", ", Descriptions.Keys)}"),
    };

    /// <summary>Scenario 1: a host-written next_entry is honoured exactly once.</summary>
    public static async Task<ScenarioResult> NextEntryHonouredOnceAsync(QemuBoard board, Action<string> say)
    {
        var run = new Run(NextEntryOnce, board, say);
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["next_entry"] = "trial" });
        run.Say("host staged next_entry=trial in grubenv");

        var first = await BootToPowerOffAsync(board, "trial").ConfigureAwait(false);
        run.Say($"boot {first.Boot}: GRUB consumed next_entry and booted trial; userspace at {first.Userspace:F1} s");
        var env = board.GrubEnv.Read();
        run.Expect(env.Agree, $"appliance and grub-editenv disagree: {env}");
        run.Expect(env.Get("next_entry").Length == 0, $"next_entry should be cleared by GRUB, got {env}");
        run.Observed["next_entry_after_first_boot"] = env.Get("next_entry");
        run.Say("host: next_entry is empty again (appliance and grub-editenv agree)");

        var second = await BootToPowerOffAsync(board, "good").ConfigureAwait(false);
        run.Say($"boot {second.Boot}: no next_entry, GRUB booted the default (good)");
        run.Observed["first_entry"] = "trial";
        run.Observed["second_entry"] = "good";
        return run.Finish();
    }

    /// <summary>Scenario 2: GRUB's save_env counter decrements per boot and the host reads it back.</summary>
    public static async Task<ScenarioResult> BootCounterDecrementsAsync(QemuBoard board, Action<string> say)
    {
        var run = new Run(BootCounter, board, say);
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["boot_counter"] = "3" });
        run.Say("host set boot_counter=3");
        var seen = new List<string>();
        foreach (var expected in new[] { "2", "1", "0" })
        {
            var boot = await BootToPowerOffAsync(board, "good", grubStartContains: $"boot_counter={expected}").ConfigureAwait(false);
            var env = board.GrubEnv.Read();
            run.Expect(env.Agree, $"appliance and grub-editenv disagree: {env}");
            run.Expect(env.Get("boot_counter") == expected, $"boot_counter should be {expected} after boot {boot.Boot}: {env}");
            seen.Add(expected);
            run.Say($"boot {boot.Boot}: GRUB saved boot_counter={expected}; appliance env list and grub-editenv agree");
        }

        board.GrubEnv.Stage(new Dictionary<string, string?> { ["next_entry"] = "trial" });
        run.Say("host staged next_entry=trial with the counter at 0");
        board.Start();
        await board.WaitForAsync(Markers.GrubCounterExhausted).ConfigureAwait(false);
        await board.WaitForAsync(Markers.GrubBooting("good")).ConfigureAwait(false);
        await board.WaitForAsync(Markers.End("poweroff")).ConfigureAwait(false);
        await board.WaitForExitAsync().ConfigureAwait(false);
        run.Say($"boot {board.Boots}: counter exhausted, GRUB forced good instead of trial");
        run.Observed["boot_counter_sequence"] = "3," + string.Join(',', seen);
        return run.Finish();
    }

    /// <summary>Scenario 3: `appliance env set` inside the guest changes the next boot.</summary>
    public static async Task<ScenarioResult> GuestSetsNextEntryAsync(QemuBoard board, Action<string> say)
    {
        var run = new Run(GuestSetNext, board, say);
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["next_entry"] = "set-next" });
        run.Say("host staged next_entry=set-next");
        board.Start();
        await board.WaitForAsync(Markers.GrubBooting("set-next")).ConfigureAwait(false);
        var set = await board.WaitForAsync(Markers.SetNextEntry).ConfigureAwait(false);
        var value = Markers.ValueAfter(set, Markers.SetNextEntry);
        run.Expect(value == "trial", $"guest read back next_entry={value}, expected trial");
        await board.WaitForAsync(Markers.End("reboot")).ConfigureAwait(false);
        run.Say($"boot {set.Boot}: guest ran `appliance env set next_entry=trial` and rebooted");

        await board.WaitForAsync(QemuBoard.FirmwareBanner).ConfigureAwait(false);
        var consumed = await board.WaitForAsync(Markers.GrubNextEntryConsumed).ConfigureAwait(false);
        run.Expect(Markers.ValueAfter(consumed, Markers.GrubNextEntryConsumed) == "trial", "GRUB did not consume next_entry=trial");
        var user = await board.WaitForAsync(Markers.Userspace("trial")).ConfigureAwait(false);
        await board.WaitForAsync(Markers.End("poweroff")).ConfigureAwait(false);
        await board.WaitForExitAsync().ConfigureAwait(false);
        run.Say($"boot {user.Boot}: GRUB honoured the guest's next_entry and booted trial");

        var env = board.GrubEnv.Read();
        run.Expect(env.Get("next_entry").Length == 0, $"next_entry should be consumed: {env}");
        run.Observed["next_boot_entry"] = "trial";
        return run.Finish();
    }

    /// <summary>Scenario 4: the i6300esb resets a guest that stops petting; the next boot reports the cause.</summary>
    public static async Task<ScenarioResult> WatchdogResetReportedAsync(QemuBoard board, Action<string> say)
    {
        var run = new Run(WatchdogReset, board, say);
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["next_entry"] = "trial-wdt" });
        run.Say("host staged next_entry=trial-wdt");
        board.Start();
        await board.WaitForAsync(Markers.GrubBooting("trial-wdt")).ConfigureAwait(false);
        await board.WaitForAsync(Markers.Userspace("trial-wdt")).ConfigureAwait(false);
        var cold = await board.WaitForAsync(Markers.Bootstatus).ConfigureAwait(false);
        run.Expect(Markers.ValueAfter(cold, Markers.Bootstatus) == "0", $"a cold boot should report bootstatus=0: {cold.Text}");
        var stopped = await board.WaitForAsync(Markers.StoppedPetting).ConfigureAwait(false);
        run.Say($"boot {stopped.Boot}: guest armed {board.Profile.WatchdogDevice} (bootstatus=0) and stopped petting it");

        var reset = await board.WaitForAsync(QemuBoard.FirmwareBanner).ConfigureAwait(false);
        var latency = reset.Elapsed - stopped.Elapsed;
        run.Say($"watchdog reset the VM {latency.TotalSeconds:F1} s after the last ping stopped");
        await board.WaitForAsync(Markers.GrubBooting("good")).ConfigureAwait(false);
        var status = await board.WaitForAsync(Markers.Bootstatus).ConfigureAwait(false);
        var value = Markers.ValueAfter(status, Markers.Bootstatus);
        var expected = board.Profile.ResetBootstatus.ToString(CultureInfo.InvariantCulture);
        run.Expect(value == expected, $"after the reset bootstatus should be {expected}, got {value}");
        await board.WaitForAsync(Markers.End("poweroff")).ConfigureAwait(false);
        await board.WaitForExitAsync().ConfigureAwait(false);
        run.Say($"boot {status.Boot}: GRUB fell back to good; guest reports bootstatus={value} (WDIOF_CARDRESET)");
        run.Observed["bootstatus_before"] = "0";
        run.Observed["bootstatus_after"] = value;
        run.Observed["reset_latency_s"] = latency.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        return run.Finish();
    }

    /// <summary>Boots (starting QEMU) into <paramref name="entry"/> and waits for the guest to power off.</summary>
    public static async Task<(int Boot, double Userspace)> BootToPowerOffAsync(QemuBoard board, string entry, string? grubStartContains = null)
    {
        board.Start();
        var start = await board.WaitForAsync(Markers.GrubStart).ConfigureAwait(false);
        if (grubStartContains is not null && !start.Text.Contains(grubStartContains, StringComparison.Ordinal))
        {
            throw board.Fail($"GRUB start line should contain \"{grubStartContains}\": {start.Text}");
        }

        await board.WaitForAsync(Markers.GrubBooting(entry)).ConfigureAwait(false);
        var user = await board.WaitForAsync(Markers.Userspace(entry)).ConfigureAwait(false);
        await board.WaitForAsync(Markers.End("poweroff")).ConfigureAwait(false);
        await board.WaitForExitAsync().ConfigureAwait(false);
        return (user.Boot, user.Elapsed.TotalSeconds);
    }

    private sealed class Run(string name, QemuBoard board, Action<string> say)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<string> _narration = [];

        public Dictionary<string, string> Observed { get; } = [];

        public void Say(string text)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:F1}s] {text}");
            _narration.Add(line);
            say(line);
        }

        public void Expect(bool condition, string message)
        {
            if (!condition)
            {
                throw board.Fail(message);
            }
        }

        public ScenarioResult Finish()
        {
            Say($"{name}: passed, {board.Boots} boot(s)");
            return new ScenarioResult(name, _clock.Elapsed, board.Boots, _narration, Observed);
        }
    }
}
