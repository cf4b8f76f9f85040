using System.Globalization;

namespace Appliance.Vm;

/// <summary>
/// Issue 16, the hang that stops the daemon but not the kernel: the watchdog pretimeout with the
/// panic governor makes it a panic, and the panic takes the same kexec path as any other
/// (crash kernel = known-good as rescue). Only a kernel dead outright costs the hardware reset.
/// </summary>
public static partial class BoardScenarios
{
    /// <summary>The panic of the panic governor (drivers/watchdog/pretimeout_panic.c).</summary>
    public const string PretimeoutPanic = "Kernel panic - not syncing: watchdog pretimeout event";

    /// <summary>init.sh's wdtpre: Timeout=60, Pretimeout=55 on the i6300esb.</summary>
    public const int PretimeoutTimeoutSeconds = 60;

    public const int PretimeoutSeconds = 55;

    /// <summary>
    /// From the SIGSTOP to the panic line: the pretimeout window (Timeout - Pretimeout = 5 s) after
    /// the daemon's last pet, which is up to one Interval (1 s) before the stop, plus slack for
    /// TCG's clock and the console. Far below the 60 s of the hardware reset.
    /// </summary>
    public static readonly TimeSpan PretimeoutPanicWithin = TimeSpan.FromSeconds(PretimeoutTimeoutSeconds - PretimeoutSeconds + 4);

    /// <summary>Issue 16: a trial's daemon is SIGSTOPped; the pretimeout panics into the crash kernel, which rejects the trial; known-good names the pretimeout panic.</summary>
    public static async Task<ScenarioResult> WatchdogPretimeoutRescueAsync(QemuBoard board, Action<string> say)
    {
        const string trial = "trial-wdt-pretimeout";
        var run = new Run(WatchdogPretimeoutRescue, board, say);
        run.Say($"host: {board.GrubEnv.StageTrial(trial, 3)}");
        board.Start();
        await WaitBootAsync(board, trial).ConfigureAwait(false);
        var daemon = await board.WaitForAsync(Markers.WatchdogPretimeoutDaemon).ConfigureAwait(false);
        var targets = await board.WaitForAsync(Markers.WatchdogStatus).ConfigureAwait(false);
        var pretimeout = Markers.ValueAfter(daemon, "pretimeout=");
        var governor = Markers.ValueAfter(daemon, "governor=");
        run.Expect(pretimeout == PretimeoutSeconds.ToString(CultureInfo.InvariantCulture) && governor.Contains("panic", StringComparison.Ordinal),
            $"the daemon should have set the i6300esb's pretimeout to {PretimeoutSeconds} with the panic governor (sysfs): {daemon.Text}");
        run.Say($"boot {daemon.Boot}: {Markers.From(daemon, "wdt ")}; {Markers.From(targets, "target")}");

        var hang = await board.WaitForAsync(Markers.CheckPanicking).ConfigureAwait(false);
        run.Expect(Markers.ValueAfter(hang, Markers.CheckPanicking) == "1", $"the validator did not arm kexec before the checks ran: {hang.Text}");
        var panic = await board.WaitForAsync(Markers.KernelPanic, TimeSpan.FromSeconds(PretimeoutTimeoutSeconds)).ConfigureAwait(false);
        var rescueLine = await board.WaitForAsync(Markers.RescueKernel, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        // The rescue leaves by soft kexec ([Boot] RescueByKexec, on by default): known-good's
        // userspace marker is the one after the rescue's note, on the same firmware pass.
        var soft = await board.WaitForAsync(RescueSoftNote, RescueWithin).ConfigureAwait(false);
        var timing = new PanicTiming(panic, rescueLine, await board.WaitForAsync(Markers.Userspace(Good), RescueWithin).ConfigureAwait(false));
        run.Expect(timing.Good.Boot == hang.Boot && board.Count(board.Banner) == 1,
            "the firmware ran between the hang and known-good's userspace: the pretimeout panic's rescue did not kexec into known-good");
        run.Expect(board.Count(Markers.GrubBooting(Good)) == 0, "GRUB should not have run after the hang (known-good was entered by kexec from the rescue)");
        run.Expect(timing.Panic.Text.Contains(PretimeoutPanic, StringComparison.Ordinal),
            $"the panic should be the pretimeout's (\"{PretimeoutPanic}\"), not another: \"{timing.Panic.Text}\"");
        var toPanic = timing.Panic.Elapsed - hang.Elapsed;
        run.Expect(toPanic <= PretimeoutPanicWithin, $"the pretimeout panicked {toPanic.TotalSeconds:F1} s after the SIGSTOP (more than {PretimeoutPanicWithin.TotalSeconds:F0} s)");
        run.Say($"boot {hang.Boot}: daemon SIGSTOPped by the trial's check; \"{Markers.From(timing.Panic, Markers.KernelPanic)}\" {toPanic.TotalSeconds:F1} s later");

        var rescue = timing.Rescue!;
        var toRescue = rescue.Elapsed - timing.Panic.Elapsed;
        run.Expect(rescue.Boot == timing.Panic.Boot, "the firmware ran between the pretimeout panic and the rescue kernel: a hardware reset, not the crash kexec");
        run.Expect(toRescue <= RescueWithin, $"the rescue kernel's userspace came {toRescue.TotalSeconds:F1} s after the panic (more than {RescueWithin.TotalSeconds:F0} s)");
        run.Say($"rescue (crash) kernel userspace {toRescue.TotalSeconds:F1} s after the panic, {(rescue.Elapsed - hang.Elapsed).TotalSeconds:F1} s after the hang (the i6300esb would reset at {PretimeoutTimeoutSeconds} s)");

        var good = await WaitValidatedAfterUserspaceAsync(board, Good).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        var rollback = good.Status.Rollback ?? string.Empty;
        run.Expect(good.Rc == 0 && good.Status.ThisBoot is { Result: "rolled-back" },
            $"good's validator should record the rollback: rc={good.Rc} {good.Status}");
        run.Expect(rollback.Contains("watchdog pretimeout event", StringComparison.Ordinal),
            $"`appliance status --json` should name the pretimeout panic in rollback: \"{rollback}\" ({good.Status.Json})");
        var env = board.GrubEnv.Read();
        run.Expect(env.Get("appliance_trial").Length == 0 && env.Get("appliance_failed") == trial,
            $"grubenv should hold no trial and appliance_failed={trial}: {env}");
        var hangToGood = timing.Good.Elapsed - hang.Elapsed;
        run.Say($"rescue's validator: \"{Markers.From(soft, "appliance: ")}\"; known-good's userspace {hangToGood.TotalSeconds:F1} s after the hang, no firmware pass; status rollback: \"{rollback}\"");
        run.Observed["pretimeout"] = pretimeout;
        run.Observed["governor"] = governor;
        run.Observed["panic"] = Markers.From(timing.Panic, Markers.KernelPanic);
        run.Observed["hang_to_panic_s"] = toPanic.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        run.Observed["panic_to_rescue_s"] = toRescue.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        run.Observed["hang_to_good_s"] = hangToGood.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        run.Observed["firmware_passes"] = (timing.Good.Boot - hang.Boot).ToString(CultureInfo.InvariantCulture);
        run.Observed["rollback"] = rollback;
        return run.Finish();
    }
}
