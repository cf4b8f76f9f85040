namespace Appliance.Vm;

/// <summary>Issue 16: a rejected trial goes back to known-good by kexec, without a firmware pass.</summary>
public static partial class BoardScenarios
{
    /// <summary>
    /// trial-sick-kexec ([Boot] RejectByKexec=yes; its required check fails) is staged from the
    /// host and booted; its validator writes the rejection to grubenv, then loads known-good's
    /// kernel with good's command line and kexecs into it. Good's userspace comes up on the same
    /// firmware pass (no SeaBIOS banner, no GRUB), and its validator records the rollback.
    /// </summary>
    public static async Task<ScenarioResult> RejectedTrialByKexecAsync(QemuBoard board, Action<string> say)
    {
        const string trial = "trial-sick-kexec";
        var run = new Run(RejectByKexec, board, say);
        run.Say($"host: {board.GrubEnv.StageTrial(trial, 3)}");

        board.Start();
        await WaitBootAsync(board, trial).ConfigureAwait(false);
        var check = await board.WaitForAsync(Markers.CheckFailed("50-app")).ConfigureAwait(false);
        var kexec = await board.WaitForAsync("appliance: kexec reboot:").ConfigureAwait(false);
        run.Say($"boot {check.Boot}: '{trial}' failed its check; its validator: \"{Markers.From(kexec, "appliance: ")}\"");

        var up = await board.WaitForAsync(Markers.Userspace(Good), RescueWithin).ConfigureAwait(false);
        run.Expect(up.Boot == kexec.Boot, "the firmware ran between the rejection and good's userspace: the kexec did not happen");
        run.Expect(board.Count(Markers.GrubBooting(Good)) == 0, "GRUB should not have run after the rejection (good was entered by kexec)");
        var good = await WaitValidatedAfterUserspaceAsync(board, Good).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        var toGood = up.Elapsed - kexec.Elapsed;
        run.Expect(good.Rc == 0 && good.Status.ThisBoot is { Result: "rolled-back" } && good.Status.KnownGood == Good && good.Status.Failed == trial,
            $"good's validator should record the rollback: rc={good.Rc} {good.Status}");
        var rejected = good.Status.Boots.LastOrDefault(b => b.Result == "rejected");
        run.Expect(rejected is not null && rejected.Message.Contains("by kexec, without a firmware pass", StringComparison.Ordinal),
            $"the trial's journal record should say it went back by kexec: {good.Status.Json}");
        var env = board.GrubEnv.Read();
        run.Expect(env.Agree && env.Get("appliance_trial").Length == 0 && env.Get("appliance_failed") == trial && env.Get("appliance_good") == Good,
            $"grubenv should hold the rejection (appliance_failed={trial}) and good as known-good: {env}");
        run.Say($"good's userspace {toGood.TotalSeconds:F1} s after the kexec, on the same firmware pass; its validator recorded the rollback");
        run.Observed["kexec_to_good_userspace_s"] = toGood.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        return run.Finish();
    }
}
