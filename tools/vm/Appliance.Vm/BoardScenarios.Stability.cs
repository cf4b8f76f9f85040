namespace Appliance.Vm;

/// <summary>Issue 17's stability window on the board.</summary>
public static partial class BoardScenarios
{
    /// <summary>The stability window the trial-unstable entry sets, and when its check starts failing (seconds of uptime).</summary>
    private const int StabilityWindowSec = 300;

    private const int UnstableAfterSec = 120;

    /// <summary>
    /// The operator stages trial-unstable ([Boot] StabilitySec=300; its check passes at first and
    /// fails from two minutes after boot). Its validator finds it healthy and holds the window
    /// open instead of committing; the check fails inside the window, the trial is rejected and
    /// the machine reboots into good, whose status explains the rollback with the window.
    /// </summary>
    public static async Task<ScenarioResult> TrialFailingInsideStabilityWindowAsync(QemuBoard board, Action<string> say)
    {
        const string trial = "trial-unstable";
        var run = new Run(TrialStability, board, say);
        var command = $"upgrade stage {trial} --tries 3 --reboot";
        OperatorRequest(board, command);
        run.Say($"host: left the operator's command for the next good boot: appliance {command}");

        board.Start();
        await WaitValidatedAsync(board, Good).ConfigureAwait(false);
        await board.WaitForAsync(Markers.AgentRebooting).ConfigureAwait(false);
        await WaitBootAsync(board, trial).ConfigureAwait(false);
        var opened = await board.WaitForAsync($"keep passing for {StabilityWindowSec} s").ConfigureAwait(false);
        run.Say($"boot {opened.Boot}: '{trial}' passed its first validation; the validator holds the window open: {opened.Text}");
        var failing = await board.WaitForAsync("APPLIANCE-MARKER: check 50-app failing at uptime=", TimeSpan.FromSeconds(UnstableAfterSec + 90)).ConfigureAwait(false);
        run.Expect(board.Count($"trial '{trial}' passed its checks") == 0, "the trial must not be committed inside its stability window");
        await board.WaitForAsync(Markers.AgentRebooting).ConfigureAwait(false);
        run.Say($"boot {failing.Boot}: the check failed inside the window ({failing.Text}); the validator rejected the trial");

        var good = await WaitValidatedAsync(board, Good).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        run.Expect(good.Boot == failing.Boot + 1, $"good should boot right after the rejected trial, not at boot {good.Boot}");
        run.Expect(good.Status.ThisBoot is { Result: "rolled-back" } && good.Status.KnownGood == Good && good.Status.Failed == trial,
            $"good should record the rollback with '{trial}' failed and itself known-good: {good.Status}");
        var rollback = good.Status.Rollback ?? string.Empty;
        run.Expect(rollback.Contains($"into the {StabilityWindowSec} s stability window", StringComparison.Ordinal) && rollback.Contains("app stopped answering", StringComparison.Ordinal),
            $"status should explain the rollback with the window and the check's output: \"{rollback}\"");
        var env = board.GrubEnv.Read();
        run.Expect(env.Agree && env.Get("appliance_good") == Good && env.Get("saved_entry") != trial && env.Get("appliance_trial").Length == 0,
            $"grubenv should keep good as known-good with no trial: {env}");
        run.Say($"boot {good.Boot}: good recorded the rollback: {rollback}");
        run.Observed["rollback"] = rollback;
        return run.Finish();
    }
}
