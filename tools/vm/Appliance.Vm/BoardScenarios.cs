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
    public const string TrialQuarantined = "trial-quarantined";
    public const string TrialStability = "trial-stability";
    public const string DrillPanic = "drill-panic";
    public const string RejectByKexec = "reject-by-kexec";
    public const string KexecRescueSoft = "kexec-rescue-soft";
    public const string KexecRescueRefused = "kexec-rescue-refused";
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
    public const string VfatGrubEnv = "vfat-grubenv";
    public const string WatchdogPretimeoutRescue = "watchdog-pretimeout-rescue";

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
        [TrialQuarantined] = "the operator stages another kernel build whose check fails; it is rolled back and quarantined; staging it again exits 78 and changes nothing; --force stages it",
        [TrialStability] = "a trial with [Boot] StabilitySec=300 passes its first validation; its check fails two minutes after boot, inside the window: it is rejected, not committed, and good explains the rollback",
        [DrillPanic] = "the operator runs `appliance drill panic --yes` on an idle, committed canary: it panics into its own rescue kernel without the firmware, comes back on the same entry, and status shows the measured way back",
        [RejectByKexec] = "a trial whose check fails, with [Boot] RejectByKexec=yes: its validator writes the rejection, then kexecs into good; good's userspace comes up without a firmware pass and records the rollback",
        [KexecRescueSoft] = "a trial armed by the validator panics during its checks: the rescue kernel saves the panic, rejects the trial and kexecs into good ([Boot] RescueByKexec, the default) with the whole machine's memory map; good's userspace comes up without a firmware pass, with all its RAM",
        [KexecRescueRefused] = "the same panic, but the rescue disables kexec loads (kernel.kexec_load_disabled=1): its soft kexec is refused, it reboots through the firmware into good, and its journal record says the kexec failed and why",
        [TrialNoInit] = "a trial that panics before userspace, staged with 2 tries: GRUB boots it exactly twice, then good; status says it used all its tries",
        [TrialKernelMissing] = "a trial whose kernel file is gone: GRUB falls back to good on the first boot; the validator ends the trial",
        [PowerCutAtValidate] = "power cut as the trial's validator starts: grubenv parses the same with both tools; the trial (one try fewer) boots again and commits",
        [PowerCutInCommit] = "power cut just after the trial's checks ran, while the validator commits: grubenv parses the same with both tools; the machine ends up committed",
        [WatchdogDaemonPets] = "`appliance watchdog run` pets the i6300esb and softdog (Timeout=5) for 30 s: one boot, info/status read back 5 s for both; SIGTERM with the magic close disarms",
        [WatchdogDaemonKilled] = "SIGKILL of the daemon: the i6300esb resets the VM within the timeout; the next boot's reset-cause.json says \"watchdog reset\" (bootstatus 32)",
        [WatchdogCheckFails] = "a failing Check= (Grace=3s, Repair=/bin/true) makes the daemon stop petting on purpose: last-stop.json says why and the VM resets",
        [WatchdogGpio] = "the daemon pets a gpio-sim line (GpioMode=toggle) through System.Device.Gpio: the line's level read back from sysfs toggles",
        [WatchdogI2cTemperature] = "an LM75 on i2c-stub as [Check:board-temp] Type=i2c-temperature (MaxCelsius=70): at 25 °C `appliance check` passes and the daemon pets; at 90 °C the check fails, the daemon stops petting and the VM resets",
        [KexecPanicRescue] = "a trial armed by the validator (ArmKexec, crashkernel=256M) panics during its checks: the rescue kernel saves the panic, rejects the trial and reboots through the firmware ([Boot] RescueByKexec=no); known-good's status names the panic",
        [KexecNoReservation] = "`appliance kexec arm` on a kernel without crashkernel= exits 78 naming crashkernel=256M; kexec_crash_loaded stays 0",
        [KexecDisarm] = "`appliance kexec arm` then `disarm` on a kernel with crashkernel=256M: loaded 1, then 0",
        [VfatGrubEnv] = "Fedora's layout: /boot/grub2/grubenv links into a vfat EFI partition (second disk); three `appliance env set` in the guest succeed; the host reads the file back with mtools: 1024 bytes, grub-editenv lists the values, no temporary file left",
        [UefiSecureBoot] = "UEFI board only: OVMF with Secure Boot boots shim, signed GRUB and the signed kernel; the guest reads SecureBoot=1 from efivarfs and a locked-down kernel ([integrity] or [confidentiality]); known-good validates",
        [UefiEspGrubEnv] = "UEFI board only: Fedora's layout, grub.cfg and grubenv on the ESP with links from /boot/grub; the healthy trial is staged in the guest, counted by GRUB and committed, all on the FAT file, which the host reads back with mtools",
        [UefiUnsignedKernel] = "UEFI board only: the disk's kernel without its signature, staged as a trial: shim refuses it when GRUB loads it, GRUB falls back to known-good on the same firmware pass",
        [UefiKexecUnsigned] = "UEFI board only: `appliance kexec arm` of the disk's kernel without its signature, under lockdown: kexec_file_load refuses it (EPERM), the agent exits 78 naming the lockdown and the kernel; nothing is loaded",
        [UefiEfiPstore] = "UEFI board only: a trial with no crash kernel panics (panic=1); its log goes to efi-pstore (EFI variables); known-good's validator names the panic from the dmesg-efi-* records and deletes them",
        [UefiEspPowerCutInCommit] = "UEFI board only: power-cut-in-commit with grubenv on the FAT ESP (Fedora's layout): grubenv read from the ESP parses the same with both tools; the machine ends committed",
        [KexecOopsPanicOnOops] = "a trial armed by the validator (which applies panic_on_oops=1) oopses during its checks (insmod appliance_oops, NULL pointer dereference): the rescue kernel rolls back; known-good's status names the oops",
        [WatchdogPretimeoutRescue] = "a trial armed by the validator runs the daemon on the i6300esb with Timeout=60, Pretimeout=55 and the panic governor; its check SIGSTOPs the daemon: the pretimeout panics 5 s later into the crash kernel, which rejects the trial and kexecs into known-good: no firmware pass after the hang, no hardware reset; known-good's status names \"watchdog pretimeout event\"",
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
        TrialQuarantined => RolledBackKernelQuarantinedAsync(board, say),
        TrialStability => TrialFailingInsideStabilityWindowAsync(board, say),
        DrillPanic => DrillPanicAsync(board, say),
        RejectByKexec => RejectedTrialByKexecAsync(board, say),
        KexecRescueSoft => KexecRescueSoftAsync(board, say),
        KexecRescueRefused => KexecRescueRefusedAsync(board, say),
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
        VfatGrubEnv => VfatGrubEnvAsync(board, say),
        WatchdogPretimeoutRescue => WatchdogPretimeoutRescueAsync(board, say),
        UefiSecureBoot => SecureBootProvenAsync(board, say),
        UefiEspGrubEnv => EspGrubEnvSurvivesCommitAsync(board, say),
        UefiUnsignedKernel => UnsignedKernelRefusedAsync(board, say),
        UefiKexecUnsigned => KexecUnsignedRefusedAsync(board, say),
        UefiEspPowerCutInCommit => EspPowerCutInCommitAsync(board, say),
        UefiEfiPstore => EfiPstoreForensicsAsync(board, say),
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

        await board.WaitForAsync(board.Banner).ConfigureAwait(false);
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

        var reset = await board.WaitForAsync(board.Banner).ConfigureAwait(false);
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
}
