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
public static partial class BoardScenarios
{
    public const string NextEntryOnce = "next-entry-once";
    public const string BootCounter = "boot-counter";
    public const string GuestSetNext = "guest-set-next";
    public const string WatchdogReset = "watchdog-reset";
    public const string TrialCommit = "trial-commit";
    public const string TrialChecksFail = "trial-checks-fail";
    public const string TrialNoInit = "trial-no-init";
    public const string TrialKernelMissing = "trial-kernel-missing";
    public const string PowerCutAtValidate = "power-cut-at-validate";
    public const string PowerCutInCommit = "power-cut-in-commit";
    public const string WatchdogDaemonPets = "watchdog-daemon-pets";
    public const string WatchdogDaemonKilled = "watchdog-daemon-killed";
    public const string WatchdogCheckFails = "watchdog-check-fails";
    public const string WatchdogGpio = "watchdog-gpio";
    public const string WatchdogI2cTemperature = "watchdog-i2c-temperature";
    public const string KexecPanicRescue = "kexec-panic-rescue";
    public const string KexecNoReservation = "kexec-no-reservation";
    public const string KexecDisarm = "kexec-disarm";
    public const string KexecOopsPanicOnOops = "kexec-oops-panic-on-oops";

    /// <summary>The known-good entry of the board (first in grub.cfg, so GRUB's fallback index 0).</summary>
    public const string Good = "good";

    /// <summary>
    /// How long after the 50-app check's console line <see cref="PowerCutInCommit"/>
    /// pulls the plug: the validator then collects the results and writes
    /// grubenv (rename + fsync) within a few hundred ms under TCG.
    /// </summary>
    public static readonly TimeSpan CommitCutDelay = TimeSpan.FromMilliseconds(150);

    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>
    {
        [NextEntryOnce] = "host stages next_entry=trial; GRUB boots trial once, then the default (good) again",
        [BootCounter] = "host stages a never-validated trial with 3 tries; GRUB's appliance.cfg counts appliance_tries 2, 1, 0 (appliance and grub-editenv agree); then it boots good, whose validator records the rollback",
        [GuestSetNext] = "the guest runs `appliance env set next_entry=trial` and reboots; GRUB boots trial",
        [WatchdogReset] = "the guest stops petting the i6300esb; the watchdog resets the VM and the next boot reads bootstatus=32 (WDIOF_CARDRESET)",
        [TrialCommit] = "the operator runs `appliance upgrade stage trial --reboot` on good; GRUB boots trial, the validator commits it; the next plain boot is trial (saved_entry=appliance_good=trial)",
        [TrialChecksFail] = "a trial whose required check fails is rejected; the validator reboots into good, which records the rollback; status explains it with the check's output",
        [TrialNoInit] = "a trial that panics before userspace, staged with 2 tries: GRUB boots it exactly twice, then good; status says it used all its tries",
        [TrialKernelMissing] = "a trial whose kernel file is gone: GRUB falls back to good on the first boot; the validator ends the trial",
        [PowerCutAtValidate] = "power cut as the trial's validator starts: grubenv parses the same with both tools; the trial (one try fewer) boots again and commits",
        [PowerCutInCommit] = "power cut just after the trial's checks ran, while the validator commits: grubenv parses the same with both tools; the machine ends up committed",
        [WatchdogDaemonPets] = "`appliance watchdog run` pets the i6300esb and softdog (Timeout=5) for 30 s: one boot, info/status read back 5 s for both; SIGTERM with the magic close disarms",
        [WatchdogDaemonKilled] = "SIGKILL of the daemon: the i6300esb resets the VM within the timeout; the next boot's reset-cause.json says \"watchdog reset\" (bootstatus 32)",
        [WatchdogCheckFails] = "a failing Check= (Grace=3s, Repair=/bin/true) makes the daemon stop petting on purpose: last-stop.json says why and the VM resets",
        [WatchdogGpio] = "the daemon pets a gpio-sim line (GpioMode=toggle) through System.Device.Gpio: the line's level read back from sysfs toggles",
        [WatchdogI2cTemperature] = "an LM75 on i2c-stub as [Check:board-temp] Type=i2c-temperature (MaxCelsius=70): at 25 °C `appliance check` passes and the daemon pets; at 90 °C the check fails, the daemon stops petting and the VM resets",
        [KexecPanicRescue] = "a trial armed by the validator (ArmKexec, crashkernel=256M) panics during its checks: the rescue kernel saves the panic, rejects the trial and reboots; known-good's status names the panic",
        [KexecNoReservation] = "`appliance kexec arm` on a kernel without crashkernel= exits 78 naming crashkernel=256M; kexec_crash_loaded stays 0",
        [KexecDisarm] = "`appliance kexec arm` then `disarm` on a kernel with crashkernel=256M: loaded 1, then 0",
        [KexecOopsPanicOnOops] = "a trial armed by the validator (which applies panic_on_oops=1) oopses during its checks (insmod appliance_oops, NULL pointer dereference): the rescue kernel rolls back; known-good's status names the oops",
    };

    public static Task<ScenarioResult> RunAsync(string name, QemuBoard board, Action<string> say) => name switch
    {
        NextEntryOnce => NextEntryHonouredOnceAsync(board, say),
        BootCounter => BootCounterDecrementsAsync(board, say),
        GuestSetNext => GuestSetsNextEntryAsync(board, say),
        WatchdogReset => WatchdogResetReportedAsync(board, say),
        TrialCommit => HealthyTrialCommittedAsync(board, say),
        TrialChecksFail => TrialFailingChecksRolledBackAsync(board, say),
        TrialNoInit => TrialDyingBeforeUserspaceAsync(board, say),
        TrialKernelMissing => TrialKernelMissingFallsBackAsync(board, say),
        PowerCutAtValidate => PowerCutDuringValidationAsync(board, say, PowerCutAtValidate, afterChecks: false),
        PowerCutInCommit => PowerCutDuringValidationAsync(board, say, PowerCutInCommit, afterChecks: true),
        WatchdogDaemonPets => WatchdogDaemonPetsAsync(board, say),
        WatchdogDaemonKilled => WatchdogDaemonKilledAsync(board, say),
        WatchdogCheckFails => WatchdogCheckFailsAsync(board, say),
        WatchdogGpio => WatchdogGpioAsync(board, say),
        WatchdogI2cTemperature => WatchdogI2cTemperatureAsync(board, say),
        KexecPanicRescue => KexecPanicRescueAsync(board, say),
        KexecNoReservation => KexecArmAsync(board, say, KexecNoReservation),
        KexecDisarm => KexecArmAsync(board, say, KexecDisarm),
        KexecOopsPanicOnOops => KexecOopsRescueAsync(board, say),
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

    /// <summary>
    /// Scenario 2: GRUB's try counter (grub/appliance.cfg) decrements per boot
    /// with save_env and the host reads it back with both tools; at 0 GRUB boots
    /// known-good and its validator records the rollback.
    /// </summary>
    public static async Task<ScenarioResult> BootCounterDecrementsAsync(QemuBoard board, Action<string> say)
    {
        const string trial = "trial-quiet";
        var run = new Run(BootCounter, board, say);
        run.Say($"host: {board.GrubEnv.StageTrial(trial, 3)}");
        var staged = board.GrubEnv.Read();
        run.Expect(staged.Get("appliance_tries") == "3" && staged.Get("appliance_trial") == trial,
            $"the agent should have staged appliance_trial={trial} appliance_tries=3: {staged}");
        var seen = new List<string> { "3" };
        foreach (var expected in new[] { "2", "1", "0" })
        {
            var boot = await BootToPowerOffAsync(board, trial, grubStartContains: $"tries={expected} boot=trial").ConfigureAwait(false);
            var env = board.GrubEnv.Read();
            run.Expect(env.Agree, $"appliance and grub-editenv disagree: {env}");
            run.Expect(env.Get("appliance_tries") == expected && env.Get("appliance_boot") == "trial" && env.Get("appliance_trial") == trial,
                $"after boot {boot.Boot} grubenv should say appliance_trial={trial} appliance_tries={expected} appliance_boot=trial: {env}");
            seen.Add(expected);
            run.Say($"boot {boot.Boot}: GRUB spent a try before loading the kernel (appliance_tries={expected}); appliance env list and grub-editenv agree");
        }

        board.Start();
        var usedUp = await board.WaitForAsync(Markers.GrubTriesUsedUp).ConfigureAwait(false);
        var good = await WaitValidatedAsync(board, Good).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        run.Expect(good.Rc == 0 && good.Status.ThisBoot is { Path: "rolled-back", Result: "rolled-back" },
            $"good's validator should record the rollback: rc={good.Rc} {good.Status}");
        var after = board.GrubEnv.Read();
        run.Expect(after.Get("appliance_trial").Length == 0 && after.Get("appliance_failed") == trial && after.Get("appliance_boot").Length == 0,
            $"after the rollback grubenv should have no trial, appliance_failed={trial} and appliance_boot handled: {after}");
        run.Say($"boot {good.Boot}: GRUB \"{Markers.From(usedUp, "appliance: ")}\"; its validator recorded: {good.Status.ThisBoot!.Message}");
        run.Observed["tries_sequence"] = string.Join(',', seen);
        run.Observed["final_entry"] = Good;
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

    /// <summary>
    /// Issue 4, scenario 1: the operator stages a healthy trial on the running
    /// known-good board (`appliance upgrade stage trial --tries 3 --reboot`);
    /// GRUB spends a try and boots it, the validator commits it, and the next
    /// plain boot is the trial as the default.
    /// </summary>
    public static async Task<ScenarioResult> HealthyTrialCommittedAsync(QemuBoard board, Action<string> say)
    {
        const string trial = "trial";
        var run = new Run(TrialCommit, board, say);
        var command = $"upgrade stage {trial} --tries 3 --reboot";
        OperatorRequest(board, command);
        run.Say($"host: left the operator's command for the next good boot: appliance {command}");

        board.Start();
        var good = await WaitValidatedAsync(board, Good).ConfigureAwait(false);
        run.Expect(good.Rc == 0 && good.Status.State == "idle", $"good should validate as a normal boot: rc={good.Rc} {good.Status}");
        await board.WaitForAsync(Markers.Operator).ConfigureAwait(false);
        await board.WaitForAsync(Markers.AgentRebooting).ConfigureAwait(false);
        run.Say($"boot {good.Boot}: good validated (rc 0); operator staged '{trial}' with 3 tries, the agent rebooted");

        var try1 = await board.WaitForAsync(Markers.GrubTrialTry).ConfigureAwait(false);
        run.Expect(try1.Text.Contains($"trial {trial}, 2 tries left", StringComparison.Ordinal), $"GRUB should spend one of 3 tries on '{trial}': {try1.Text}");
        var committed = await WaitValidatedAsync(board, trial).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        run.Expect(committed.Rc == 0 && committed.Status.ThisBoot is { Path: "trial", Result: "committed" } && committed.Status.KnownGood == trial && committed.Status.State == "idle",
            $"the trial's validator should commit it: rc={committed.Rc} {committed.Status}");
        var env = board.GrubEnv.Read();
        run.Expect(env.Agree, $"appliance and grub-editenv disagree: {env}");
        run.Expect(env.Get("saved_entry") == trial && env.Get("appliance_good") == trial
            && !env.GrubEditenv.ContainsKey("appliance_trial") && !env.GrubEditenv.ContainsKey("appliance_tries") && !env.GrubEditenv.ContainsKey("appliance_boot"),
            $"after the commit grubenv should hold saved_entry=appliance_good={trial} and no trial variables: {env}");
        run.Say($"boot {committed.Boot}: GRUB spent a try ({Markers.From(try1, Markers.GrubTrialTry)}); the validator committed: {committed.Status.ThisBoot!.Message}");
        run.Say($"host: grubenv saved_entry={trial} appliance_good={trial}, no appliance_trial (appliance and grub-editenv agree)");

        board.Start();
        var start = await board.WaitForAsync(Markers.GrubStart).ConfigureAwait(false);
        run.Expect(start.Text.Contains($"default={trial} ", StringComparison.Ordinal) && start.Text.Contains("tries= boot=", StringComparison.Ordinal),
            $"with no trial staged GRUB should pick '{trial}' as the default: {start.Text}");
        var plain = await WaitValidatedAsync(board, trial).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        run.Expect(plain.Rc == 0 && plain.Status.ThisBoot is { Path: "normal", Result: "good" },
            $"the committed kernel should boot as a normal, healthy boot: rc={plain.Rc} {plain.Status}");
        run.Expect(board.Count(Markers.GrubTrialTry) == 1, "GRUB should have spent exactly one try");
        run.Say($"boot {plain.Boot}: no trial staged; GRUB booted '{trial}' as the default, validated as a normal boot");
        run.Observed["known_good"] = plain.Status.KnownGood ?? string.Empty;
        run.Observed["saved_entry"] = env.Get("saved_entry");
        run.Observed["third_boot_entry"] = trial;
        return run.Finish();
    }

    /// <summary>
    /// Issue 4, scenario 2: a trial whose required check fails is rejected by
    /// its validator, which reboots; GRUB boots good, whose validator records
    /// the rollback; status explains it with the failing check's output.
    /// </summary>
    public static async Task<ScenarioResult> TrialFailingChecksRolledBackAsync(QemuBoard board, Action<string> say)
    {
        const string trial = "trial-sick";
        var run = new Run(TrialChecksFail, board, say);
        run.Say($"host: {board.GrubEnv.StageTrial(trial, 3)}");

        board.Start();
        var try1 = await board.WaitForAsync(Markers.GrubTrialTry).ConfigureAwait(false);
        run.Expect(try1.Text.Contains($"trial {trial}, 2 tries left", StringComparison.Ordinal), $"GRUB should spend a try on '{trial}': {try1.Text}");
        await WaitBootAsync(board, trial).ConfigureAwait(false);
        var check = await board.WaitForAsync(Markers.CheckFailed("50-app")).ConfigureAwait(false);
        run.Expect(check.Text.Contains("app did not answer", StringComparison.Ordinal), $"the failing check's output should be reported: {check.Text}");
        var reboot = await board.WaitForAsync(Markers.AgentRebooting).ConfigureAwait(false);
        run.Say($"boot {check.Boot}: '{trial}' came up; its validator: \"{check.Text}\", then \"{reboot.Text}\"");

        var good = await WaitValidatedAsync(board, Good).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        run.Expect(good.Boot == check.Boot + 1, $"good should boot right after the rejected trial (boot {check.Boot}), not at boot {good.Boot}");
        run.Expect(good.Rc == 0 && good.Status.ThisBoot is { Path: "after-rejection", Result: "rolled-back" },
            $"good's validator should record the rollback: rc={good.Rc} {good.Status}");
        run.Expect(good.Status.State == "idle" && good.Status.Failed == trial && good.Status.KnownGood == Good,
            $"status should be idle on '{Good}' with '{trial}' failed: {good.Status}");
        var rollback = good.Status.Rollback ?? string.Empty;
        run.Expect(rollback.Contains(trial, StringComparison.Ordinal) && rollback.Contains("50-app", StringComparison.Ordinal) && rollback.Contains("app did not answer", StringComparison.Ordinal),
            $"status should explain the rollback with the check's name and output: \"{rollback}\"");
        var env = board.GrubEnv.Read();
        run.Expect(env.Get("appliance_trial").Length == 0 && env.Get("appliance_failed") == trial && env.Get("appliance_boot").Length == 0 && env.Get("appliance_good") == Good,
            $"grubenv should hold no trial, appliance_failed={trial}, appliance_good={Good}: {env}");
        run.Expect(board.Count(Markers.GrubBooting(trial)) == 1, $"'{trial}' should boot exactly once (rejected on its first boot)");
        run.Say($"boot {good.Boot}: GRUB booted '{Good}'; status: {rollback}");
        run.Observed["rollback"] = rollback;
        run.Observed["trial_boots"] = board.Count(Markers.GrubBooting(trial)).ToString(CultureInfo.InvariantCulture);
        return run.Finish();
    }

    /// <summary>
    /// Issue 4, scenario 3: a trial that dies before userspace (no init: kernel
    /// panic, panic=5 reboots) staged with 2 tries: GRUB boots it exactly twice,
    /// then good, whose validator records that the trial used all its tries.
    /// </summary>
    public static async Task<ScenarioResult> TrialDyingBeforeUserspaceAsync(QemuBoard board, Action<string> say)
    {
        const string trial = "trial-noinit";
        const int tries = 2;
        var run = new Run(TrialNoInit, board, say);
        run.Say($"host: {board.GrubEnv.StageTrial(trial, tries)}");

        board.Start();
        for (var left = tries - 1; left >= 0; left--)
        {
            var spent = await board.WaitForAsync(Markers.GrubTrialTry).ConfigureAwait(false);
            run.Expect(spent.Text.Contains($"trial {trial}, {left} tries left", StringComparison.Ordinal), $"GRUB should count down to {left}: {spent.Text}");
            await WaitBootAsync(board, trial).ConfigureAwait(false);
            var panic = await board.WaitForAsync(Markers.KernelPanic).ConfigureAwait(false);
            run.Say($"boot {panic.Boot}: GRUB spent a try ({left} left) and booted '{trial}': \"{Markers.From(panic, Markers.KernelPanic)}\"");
        }

        var usedUp = await board.WaitForAsync(Markers.GrubTriesUsedUp).ConfigureAwait(false);
        var good = await WaitValidatedAsync(board, Good).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        var trialBoots = board.Count(Markers.GrubBooting(trial));
        run.Expect(trialBoots == tries, $"GRUB should boot '{trial}' exactly {tries} times, not {trialBoots}");
        run.Expect(good.Boot == tries + 1, $"good should be boot {tries + 1}, not {good.Boot}");
        run.Expect(good.Rc == 0 && good.Status.ThisBoot is { Path: "rolled-back", Result: "rolled-back" },
            $"good's validator should record the rollback: rc={good.Rc} {good.Status}");
        var rollback = good.Status.Rollback ?? string.Empty;
        run.Expect(rollback.Contains(trial, StringComparison.Ordinal) && rollback.Contains("used all its tries", StringComparison.Ordinal),
            $"status should say the trial used all its tries: \"{rollback}\"");
        var env = board.GrubEnv.Read();
        run.Expect(env.Get("appliance_trial").Length == 0 && env.Get("appliance_failed") == trial && env.Get("appliance_boot").Length == 0,
            $"grubenv should hold no trial and appliance_failed={trial}: {env}");
        run.Say($"boot {good.Boot}: GRUB \"{Markers.From(usedUp, "appliance: ")}\"; status: {rollback}");
        run.Observed["trial_boots"] = trialBoots.ToString(CultureInfo.InvariantCulture);
        run.Observed["rollback"] = rollback;
        return run.Finish();
    }

    /// <summary>
    /// Issue 4, scenario 4: the trial's kernel file is gone (staged while it
    /// existed); linux16 fails and GRUB takes its fallback, the entry grub/appliance.cfg
    /// defines on trial boots, which reads grub.cfg again and boots known-good wherever it
    /// sits, all on the very first boot; the validator ends the trial.
    /// </summary>
    public static async Task<ScenarioResult> TrialKernelMissingFallsBackAsync(QemuBoard board, Action<string> say)
    {
        const string trial = "trial-missing";
        const string kernel = "/boot/vmlinuz-missing";
        var run = new Run(TrialKernelMissing, board, say);
        var refused = board.GrubEnv.TryStageTrial(trial, 3);
        run.Expect(refused.ExitCode != 0 && (refused.StdErr + refused.StdOut).Contains("vmlinuz-missing", StringComparison.Ordinal),
            $"`appliance upgrade stage {trial}` should refuse a kernel that does not exist: exit {refused.ExitCode}: {refused.StdErr.Trim()}");
        run.Say($"host: the agent refuses to stage '{trial}' while {kernel} is missing (exit {refused.ExitCode})");
        run.Say($"host: {board.GrubEnv.StageTrial(trial, 3, kernel)} [{kernel} present while staging, gone at boot]");
        run.Expect(board.GrubEnv.Read().Get("appliance_fallback").Length == 0, "contract 2 needs no menu index in grubenv: the fallback entry finds known-good by its reference");

        board.Start();
        var try1 = await board.WaitForAsync(Markers.GrubTrialTry).ConfigureAwait(false);
        run.Expect(try1.Text.Contains($"trial {trial}, 2 tries left", StringComparison.Ordinal), $"GRUB should spend a try on '{trial}': {try1.Text}");
        await WaitBootAsync(board, trial).ConfigureAwait(false);
        var fallingBack = await board.WaitForAsync(Markers.GrubFallingBack).ConfigureAwait(false);
        run.Expect(fallingBack.Text.Contains("Appliance: known-good kernel", StringComparison.Ordinal), $"GRUB should fall back to Appliance's entry: {fallingBack.Text}");
        var good = await WaitValidatedAsync(board, Good).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        run.Expect(good.Boot == 1, $"GRUB should fall back within the first boot, not at boot {good.Boot}");
        run.Expect(good.Rc == 0 && good.Status.ThisBoot is { Path: "fell-back", Result: "rolled-back" },
            $"the validator should end the trial as fell-back: rc={good.Rc} {good.Status}");
        var env = board.GrubEnv.Read();
        run.Expect(env.Get("appliance_trial").Length == 0 && env.Get("appliance_failed") == trial,
            $"grubenv should hold no trial and appliance_failed={trial}: {env}");
        run.Say($"boot {good.Boot}: linux16 {kernel} failed; GRUB: \"{fallingBack.Text}\"; validator: {good.Status.ThisBoot!.Message}");

        // The fall-back was handled on this boot: nothing may be left for the next one.
        run.Expect(env.Get("appliance_boot").Length == 0 && good.Status.State == "idle",
            $"after validating the fall-back the trial is over: appliance_boot should be cleared and status idle, "
            + $"but the validator left appliance_boot={env.Get("appliance_boot")} and status says '{good.Status.State}' "
            + $"(the next boot would be taken as the known-good boot after a rejection and record a second rollback): {env}");

        // One more plain boot: the trial is over, nothing is left to roll back.
        var next = await BootValidatedToPowerOffAsync(board, Good).ConfigureAwait(false);
        run.Expect(next.Status.ThisBoot is { Path: "normal", Result: "good" },
            $"the boot after the fallback should be a normal boot, not another rollback: {next.Status.ThisBoot}");
        run.Say($"boot {next.Boot}: plain boot of '{Good}', validated as {next.Status.ThisBoot!.Path}/{next.Status.ThisBoot.Result}");
        run.Observed["first_boot_entry"] = Good;
        run.Observed["validator_path"] = good.Status.ThisBoot!.Path;
        run.Observed["next_boot_path"] = next.Status.ThisBoot.Path;
        return run.Finish();
    }

    /// <summary>
    /// Issue 4, scenario 5: the plug is pulled on the trial's boot, either as
    /// its validator starts or just after its checks passed (while it commits).
    /// grubenv must still parse identically with both tools, and the machine
    /// must end up committed: at once, or after one more try of the trial.
    /// </summary>
    public static async Task<ScenarioResult> PowerCutDuringValidationAsync(QemuBoard board, Action<string> say, string name, bool afterChecks)
    {
        const string trial = "trial";
        var run = new Run(name, board, say);
        run.Say($"host: {board.GrubEnv.StageTrial(trial, 3)}");

        board.Start();
        await WaitBootAsync(board, trial).ConfigureAwait(false);
        var start = await board.WaitForAsync(Markers.ValidateStart).ConfigureAwait(false);
        var where = "as the validator started";
        if (afterChecks)
        {
            var checks = await board.WaitForAsync(Markers.CheckRan).ConfigureAwait(false);
            await Task.Delay(CommitCutDelay).ConfigureAwait(false);
            where = string.Create(CultureInfo.InvariantCulture, $"{CommitCutDelay.TotalMilliseconds:F0} ms after its checks ran ({(checks.Elapsed - start.Elapsed).TotalSeconds:F2} s into validation)");
        }

        var cut = await board.PowerCutAsync().ConfigureAwait(false);
        var verdict = board.Lines().FirstOrDefault(l => l.Elapsed >= start.Elapsed && l.Elapsed <= cut && l.Boot == start.Boot
            && l.Text.StartsWith("appliance: ", StringComparison.Ordinal));
        run.Say($"boot {start.Boot}: power cut {where}{(verdict is null ? "" : $"; the validator had printed \"{verdict.Text}\"")}");

        var env = board.GrubEnv.Read();
        run.Expect(env.Agree, $"after the power cut appliance and grub-editenv disagree: {env}");
        string seen;
        if (env.Get("appliance_trial") == trial && env.Get("appliance_tries") == "2" && env.Get("appliance_boot") == "trial")
        {
            seen = "trial-pending";
        }
        else if (env.Get("appliance_trial").Length == 0 && env.Get("appliance_good") == trial && env.Get("saved_entry") == trial)
        {
            seen = "committed";
        }
        else
        {
            throw board.Fail($"after the power cut grubenv is neither the staged trial with one try spent nor committed: {env}");
        }

        run.Say($"host: grubenv parses identically with appliance and grub-editenv; it says {seen} ({Summary(env)})");

        board.Start();
        var startLine = await board.WaitForAsync(Markers.GrubStart).ConfigureAwait(false);
        var spentAgain = board.Count(Markers.GrubTrialTry) == 2;
        var next = await WaitValidatedAsync(board, trial).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        var record = next.Status.ThisBoot;
        run.Expect(next.Rc == 0 && next.Status.State == "idle" && next.Status.KnownGood == trial,
            $"the boot after the cut should end committed on '{trial}': rc={next.Rc} {next.Status}");
        string outcome;
        if (seen == "trial-pending" && spentAgain && record is { Path: "trial", Result: "committed" })
        {
            outcome = "trial-again-then-committed";
        }
        else if (seen == "committed" && !spentAgain && record is { Path: "normal", Result: "good" })
        {
            outcome = "committed-before-cut";
        }
        else if (seen == "trial-pending" && spentAgain && record is { Path: "normal", Result: "good" })
        {
            // GRUB does not replay the ext4 journal: it (and debugfs) saw the
            // grubenv from before the commit while the kernel, replaying the
            // journal, found the committed one.
            outcome = "committed-in-ext4-journal-only";
        }
        else
        {
            throw board.Fail($"inconsistent after the power cut: host saw {seen}, GRUB {(spentAgain ? "spent another try" : "spent no try")} ({startLine.Text}), the validator recorded {record}");
        }

        var final = board.GrubEnv.Read();
        run.Expect(final.Get("saved_entry") == trial && final.Get("appliance_good") == trial && final.Get("appliance_trial").Length == 0,
            $"the machine should end up committed on '{trial}': {final}");
        var fsck = board.Files.FsckProblems();
        run.Expect(fsck is null, $"the boot partition should be clean after the clean power-off: {fsck}");
        run.Say($"boot {next.Boot}: {startLine.Text}; validator: {record!.Message} -> {outcome}; e2fsck -fn clean");
        run.Observed["after_cut"] = seen;
        run.Observed["outcome"] = outcome;
        return run.Finish();
    }

    /// <summary>
    /// Leaves operator's commands (appliance arguments, one per boot) on the
    /// partition: each validating boot that gets past validation runs the next one.
    /// </summary>
    public static void OperatorRequest(QemuBoard board, params string[] commands) =>
        board.Files.Write("/vm-request", string.Concat(commands.Select(c => c + "\n")));

    /// <summary>One boot through the validator, as init.sh reports it.</summary>
    public sealed record ValidatedBoot(int Boot, string Entry, int Rc, GuestStatus Status);

    /// <summary>
    /// Waits for GRUB to boot <paramref name="entry"/> (failing at once if it
    /// boots another), then for the validator's exit code and the status marker.
    /// </summary>
    public static async Task<ValidatedBoot> WaitValidatedAsync(QemuBoard board, string entry)
    {
        await WaitBootAsync(board, entry).ConfigureAwait(false);
        await board.WaitForAsync(Markers.Userspace(entry)).ConfigureAwait(false);
        var rcLine = await board.WaitForAsync(Markers.ValidateRc).ConfigureAwait(false);
        if (!int.TryParse(Markers.ValueAfter(rcLine, Markers.ValidateRc), NumberStyles.Integer, CultureInfo.InvariantCulture, out var rc))
        {
            throw board.Fail($"no exit code in \"{rcLine.Text}\"");
        }

        var statusLine = await board.WaitForAsync(Markers.Status).ConfigureAwait(false);
        var status = GuestStatus.Parse(Markers.RestAfter(statusLine, Markers.Status), board.Fail);
        return new ValidatedBoot(rcLine.Boot, entry, rc, status);
    }

    /// <summary>Starts the board, waits for a validated boot of <paramref name="entry"/> and its power-off.</summary>
    public static async Task<ValidatedBoot> BootValidatedToPowerOffAsync(QemuBoard board, string entry)
    {
        board.Start();
        var boot = await WaitValidatedAsync(board, entry).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        return boot;
    }

    /// <summary>Waits for GRUB's next "booting" line and fails at once when it names another entry than <paramref name="entry"/>.</summary>
    public static async Task<SerialLine> WaitBootAsync(QemuBoard board, string entry)
    {
        var line = await board.WaitForAsync(Markers.GrubBootingAny).ConfigureAwait(false);
        if (!line.Text.Contains(Markers.GrubBooting(entry), StringComparison.Ordinal))
        {
            throw board.Fail($"GRUB booted another entry than '{entry}': {line.Text}");
        }

        return line;
    }

    public static async Task PowerOffAsync(QemuBoard board)
    {
        await board.WaitForAsync(Markers.End("poweroff")).ConfigureAwait(false);
        await board.WaitForExitAsync().ConfigureAwait(false);
    }

    private static string Summary(GrubEnvSnapshot env) =>
        string.Join(' ', env.GrubEditenv.Where(kv => kv.Key.StartsWith("appliance_", StringComparison.Ordinal) || kv.Key == "saved_entry")
            .OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

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
