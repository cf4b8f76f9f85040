namespace Appliance.Vm;

/// <summary>Issue 17's quarantine on the board: a kernel build rolled back once is not staged again without --force.</summary>
public static partial class BoardScenarios
{
    /// <summary>
    /// The operator stages trial-rebuilt (another build of the kernel, whose required check
    /// fails) from good; the trial is rejected and rolled back, and good's status lists the
    /// build as quarantined. The next operator run of the same `upgrade stage` exits 78 naming
    /// the failed trial and leaves grubenv alone; on the following boot `--force` stages it.
    /// </summary>
    public static async Task<ScenarioResult> RolledBackKernelQuarantinedAsync(QemuBoard board, Action<string> say)
    {
        const string trial = "trial-rebuilt";
        var run = new Run(TrialQuarantined, board, say);
        string stage = $"upgrade stage {trial} --tries 3";
        OperatorRequest(board, stage + " --reboot", stage, stage + " --force");
        run.Say($"host: left three operator commands, one per good boot: '{stage} --reboot', '{stage}', '{stage} --force'");

        board.Start();
        await WaitValidatedAsync(board, Good).ConfigureAwait(false);
        await board.WaitForAsync(Markers.AgentRebooting).ConfigureAwait(false);
        await WaitBootAsync(board, trial).ConfigureAwait(false);
        await board.WaitForAsync(Markers.CheckFailed("50-app")).ConfigureAwait(false);
        await board.WaitForAsync(Markers.AgentRebooting).ConfigureAwait(false);
        run.Say($"'{trial}' staged by the operator, booted, its check failed, the validator rejected it");

        var good = await WaitValidatedAsync(board, Good).ConfigureAwait(false);
        run.Expect(good.Status.ThisBoot is { Result: "rolled-back" }, $"good should record the rollback: {good.Status}");
        run.Expect(good.Status.Json.Contains("\"quarantined\":[{", StringComparison.Ordinal) && good.Status.Json.Contains($"\"entry\":\"{trial}\"", StringComparison.Ordinal),
            $"status --json should list the rolled-back build as quarantined: {good.Status.Json}");
        var refused = await board.WaitForAsync(Markers.OperatorRc).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        run.Expect(Markers.RestAfter(refused, Markers.OperatorRc).Trim() == "78", $"staging the quarantined build again should exit 78 (EX_CONFIG): {refused.Text}");
        run.Expect(board.Count("boots a quarantined kernel") >= 1, "the refusal should say the kernel is quarantined");
        var env = board.GrubEnv.Read();
        run.Expect(env.Get("appliance_trial").Length == 0 && env.Get("appliance_good") == Good, $"the refused stage must leave grubenv without a trial: {env}");
        run.Say($"boot {good.Boot}: good recorded the rollback and quarantined the build; '{stage}' exited 78");

        board.Start();
        await WaitValidatedAsync(board, Good).ConfigureAwait(false);
        var forced = await board.WaitForAsync(Markers.OperatorRc).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        run.Expect(Markers.RestAfter(forced, Markers.OperatorRc).Trim() == "0", $"'{stage} --force' should stage it: {forced.Text}");
        env = board.GrubEnv.Read();
        run.Expect(env.Agree && env.Get("appliance_trial") == trial, $"--force should stage '{trial}' (appliance and grub-editenv agree): {env}");
        run.Say($"next boot: '{stage} --force' staged it (appliance_trial={trial})");
        run.Observed["refused_rc"] = Markers.RestAfter(refused, Markers.OperatorRc).Trim();
        run.Observed["forced_rc"] = Markers.RestAfter(forced, Markers.OperatorRc).Trim();
        return run.Finish();
    }
}
