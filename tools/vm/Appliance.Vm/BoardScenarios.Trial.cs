using System.Diagnostics;
using System.Globalization;

namespace Appliance.Vm;

/// <summary>The trial-boot scenarios: commit, rollback on failing checks, a trial dying before userspace or missing its kernel, a power cut while validating.</summary>
public static partial class BoardScenarios
{
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
    /// <param name="cutDelay">After the checks: how long after the 50-app check's line to cut (default <see cref="CommitCutDelay"/>).</param>
    /// <param name="staged">Runs once the trial is staged, before the first boot.</param>
    public static async Task<ScenarioResult> PowerCutDuringValidationAsync(QemuBoard board, Action<string> say, string name, bool afterChecks, TimeSpan? cutDelay = null, Action? staged = null)
    {
        var delay = cutDelay ?? CommitCutDelay;
        const string trial = "trial";
        var run = new Run(name, board, say);
        run.Say($"host: {board.GrubEnv.StageTrial(trial, 3)}");
        staged?.Invoke();

        board.Start();
        await WaitBootAsync(board, trial).ConfigureAwait(false);
        var start = await board.WaitForAsync(Markers.ValidateStart).ConfigureAwait(false);
        var where = "as the validator started";
        if (afterChecks)
        {
            var checks = await board.WaitForAsync(Markers.CheckRan).ConfigureAwait(false);
            await Task.Delay(delay).ConfigureAwait(false);
            where = string.Create(CultureInfo.InvariantCulture, $"{delay.TotalMilliseconds:F0} ms after its checks ran ({(checks.Elapsed - start.Elapsed).TotalSeconds:F2} s into validation)");
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
}
