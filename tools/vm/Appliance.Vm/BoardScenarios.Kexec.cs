using System.Globalization;

namespace Appliance.Vm;

/// <summary>
/// Issue 6: kexec failover on the board. The rescue (crash) kernel is the same
/// kernel and initramfs, loaded by the agent with known-good's arguments plus
/// appliance.rescue=1; init.sh detects it first and runs the validator.
/// </summary>
public static partial class BoardScenarios
{
    /// <summary>The panic message sysrq-c gives (drivers/tty/sysrq.c sysrq_handle_crash).</summary>
    public const string SysrqPanic = "Kernel panic - not syncing: sysrq triggered crash";

    /// <summary>
    /// From the panic line to the rescue kernel's userspace marker: a bound against a rescue
    /// that never comes, not a speed goal (that is bench-kexec's). Under TCG it took 7-10 s in
    /// the notes, 12-14 s alone and 18 s with the other VM of the suite beside it on 2 cores
    /// (2026-12-04); what proves the crash kexec is that no firmware ran in between.
    /// </summary>
    public static readonly TimeSpan RescueWithin = TimeSpan.FromSeconds(45);

    /// <summary>Issue 6, scenario 6: a trial panics after the validator armed kexec; the rescue path rolls back and the panic is named.</summary>
    public static async Task<ScenarioResult> KexecPanicRescueAsync(QemuBoard board, Action<string> say)
    {
        const string trial = "trial-panic";
        var run = new Run(KexecPanicRescue, board, say);
        run.Say($"host: {board.GrubEnv.StageTrial(trial, 3)}");
        StageRescueByFirmware(board, run);
        board.Start();
        var timing = await KexecPanicToGoodAsync(board, trial).ConfigureAwait(false);
        run.Say($"boot {timing.Panic.Boot}: the validator armed kexec (kexec_crash_loaded=1 in the check), then \"{Markers.From(timing.Panic, Markers.KernelPanic)}\"");

        var rescue = timing.Rescue!;
        var toRescue = rescue.Elapsed - timing.Panic.Elapsed;
        run.Expect(rescue.Boot == timing.Panic.Boot, "the firmware ran between the panic and the rescue kernel: the crash kexec did not happen");
        run.Expect(toRescue <= RescueWithin, $"the rescue kernel's userspace came {toRescue.TotalSeconds:F1} s after the panic (more than {RescueWithin.TotalSeconds:F0} s)");
        var rebooting = board.Lines().FirstOrDefault(l => l.Elapsed > rescue.Elapsed && l.Boot == rescue.Boot && l.Text.Contains(Markers.AgentRebooting, StringComparison.Ordinal));
        run.Expect(rebooting is not null, "the rescue kernel's validator should reboot through the firmware (no \"appliance: rebooting\" line)");
        run.Say($"rescue kernel userspace {toRescue.TotalSeconds:F1} s after the panic; its validator: \"{Markers.From(rebooting!, "appliance: ")}\"");

        var good = await WaitValidatedAfterUserspaceAsync(board, Good).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        var rollback = good.Status.Rollback ?? string.Empty;
        run.Expect(good.Rc == 0 && good.Status.ThisBoot is { Result: "rolled-back" },
            $"good's validator should record the rollback: rc={good.Rc} {good.Status}");
        run.Expect(rollback.Contains(SysrqPanic, StringComparison.Ordinal),
            $"`appliance status --json` should name \"{SysrqPanic}\" in rollback: \"{rollback}\" ({good.Status.Json})");
        var env = board.GrubEnv.Read();
        run.Expect(env.Get("appliance_trial").Length == 0 && env.Get("appliance_failed") == trial,
            $"grubenv should hold no trial and appliance_failed={trial}: {env}");
        var total = timing.Good.Elapsed - timing.Panic.Elapsed;
        run.Say($"boot {good.Boot}: GRUB booted good {total.TotalSeconds:F1} s after the oops; status rollback: \"{rollback}\"");
        // Last, so everything above is proven first: the message must be the
        // panic's own text, not followed by stray bytes from the printk ring.
        run.Expect(System.Text.RegularExpressions.Regex.IsMatch(rollback, System.Text.RegularExpressions.Regex.Escape(SysrqPanic) + "(?![A-Za-z])"),
            $"status names the panic with stray characters after it (the vmcore printk text is not cut at the record's text_len): \"{rollback}\"");
        run.Observed["crash_loaded_before_panic"] = "1";
        run.Observed["panic_to_rescue_s"] = toRescue.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        run.Observed["panic_to_good_s"] = total.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        run.Observed["rollback"] = rollback;
        return run.Finish();
    }

    /// <summary>What the oops of appliance_oops (tools/vm/oops) prints first (arch/x86/mm/fault.c show_fault_oops).</summary>
    public const string NullDereference = "BUG: kernel NULL pointer dereference";

    /// <summary>
    /// The panic an oops becomes with panic_on_oops=1 when no crash kernel is
    /// loaded. With one loaded, x86 oops_end() calls crash_kexec() before
    /// panic("Fatal exception"), so this line never reaches the console.
    /// </summary>
    public const string OopsPanic = "Kernel panic - not syncing: Fatal exception";

    /// <summary>
    /// Issue 6: an oops (not a panic) in a trial whose validator armed kexec and
    /// applied the panic policy (kernel.panic_on_oops=1): the oops goes straight
    /// to the rescue kernel, which rolls back; known-good's status names the oops.
    /// </summary>
    public static async Task<ScenarioResult> KexecOopsRescueAsync(QemuBoard board, Action<string> say)
    {
        const string trial = "trial-oops";
        var run = new Run(KexecOopsPanicOnOops, board, say);
        run.Say($"host: {board.GrubEnv.StageTrial(trial, 3)}");
        StageRescueByFirmware(board, run);
        board.Start();
        await WaitBootAsync(board, trial).ConfigureAwait(false);
        var check = await board.WaitForAsync(Markers.CheckPanicking).ConfigureAwait(false);
        var loaded = Markers.ValueAfter(check, Markers.CheckPanicking);
        var onOops = Markers.ValueAfter(check, "panic_on_oops=");
        run.Expect(loaded == "1", $"the validator did not arm kexec before the checks ran: {check.Text}");
        run.Expect(onOops == "1", $"the validator should have applied the panic policy (panic_on_oops=1) before the checks: {check.Text}");
        var oops = await board.WaitForAsync(NullDereference).ConfigureAwait(false);
        var rescue = await board.WaitForAsync(Markers.RescueKernel, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        var panicLine = board.Lines().FirstOrDefault(l => l.Boot == oops.Boot && l.Elapsed >= oops.Elapsed && l.Elapsed <= rescue.Elapsed && l.Text.Contains(Markers.KernelPanic, StringComparison.Ordinal));
        run.Say($"boot {oops.Boot}: validator armed kexec, panic_on_oops={onOops}; \"{Markers.From(oops, "BUG: ")}\""
            + (panicLine is null ? " (no panic line: oops_end() kexecs the crash kernel itself)" : $" then \"{Markers.From(panicLine, Markers.KernelPanic)}\""));
        await board.WaitForAsync(board.Banner).ConfigureAwait(false);
        await WaitBootAsync(board, Good).ConfigureAwait(false);
        var goodUser = await board.WaitForAsync(Markers.Userspace(Good)).ConfigureAwait(false);
        var timing = new PanicTiming(oops, rescue, goodUser);

        var toRescue = rescue.Elapsed - timing.Panic.Elapsed;
        run.Expect(rescue.Boot == timing.Panic.Boot, "the firmware ran between the oops and the rescue kernel: the crash kexec did not happen");
        run.Expect(toRescue <= RescueWithin, $"the rescue kernel's userspace came {toRescue.TotalSeconds:F1} s after the oops (more than {RescueWithin.TotalSeconds:F0} s)");
        var rebooting = board.Lines().FirstOrDefault(l => l.Elapsed > rescue.Elapsed && l.Boot == rescue.Boot && l.Text.Contains(Markers.AgentRebooting, StringComparison.Ordinal));
        run.Expect(rebooting is not null, "the rescue kernel's validator should reboot through the firmware (no \"appliance: rebooting\" line)");
        run.Say($"rescue kernel userspace {toRescue.TotalSeconds:F1} s after the oops; its validator: \"{Markers.From(rebooting!, "appliance: ")}\"");

        var good = await WaitValidatedAfterUserspaceAsync(board, Good).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        var rollback = good.Status.Rollback ?? string.Empty;
        run.Expect(good.Rc == 0 && good.Status.ThisBoot is { Result: "rolled-back" },
            $"good's validator should record the rollback: rc={good.Rc} {good.Status}");
        // Contains, not an exact match: the vmcore log reader may leave stray
        // characters after a record's text (see kexec-panic-rescue).
        run.Expect(rollback.Contains("NULL pointer dereference", StringComparison.Ordinal) || rollback.Contains("Fatal exception", StringComparison.Ordinal),
            $"`appliance status --json` should name the oops (\"NULL pointer dereference\" or \"Fatal exception\") in rollback: \"{rollback}\" ({good.Status.Json})");
        var env = board.GrubEnv.Read();
        run.Expect(env.Get("appliance_trial").Length == 0 && env.Get("appliance_failed") == trial,
            $"grubenv should hold no trial and appliance_failed={trial}: {env}");
        var total = timing.Good.Elapsed - timing.Panic.Elapsed;
        run.Say($"boot {good.Boot}: GRUB booted good {total.TotalSeconds:F1} s after the oops; status rollback: \"{rollback}\"");
        run.Observed["crash_loaded_before_panic"] = loaded;
        run.Observed["panic_on_oops"] = onOops;
        run.Observed["oops"] = Markers.From(oops, "BUG: ");
        run.Observed["panic_line"] = panicLine is null ? string.Empty : Markers.From(panicLine, Markers.KernelPanic);
        run.Observed["oops_to_rescue_s"] = toRescue.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        run.Observed["oops_to_good_s"] = total.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        run.Observed["rollback"] = rollback;
        return run.Finish();
    }

    /// <summary>Issue 6, scenarios 7 and 8: arming without a reservation is refused (78); arm then disarm unloads.</summary>
    public static async Task<ScenarioResult> KexecArmAsync(QemuBoard board, Action<string> say, string name)
    {
        var reserved = name == KexecDisarm;
        var entry = reserved ? "kexec-arm" : "kexec-noreserve";
        var run = new Run(name, board, say);
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["next_entry"] = entry });
        board.Start();
        await WaitBootAsync(board, entry).ConfigureAwait(false);
        var before = await board.WaitForAsync(Markers.KexecReserved).ConfigureAwait(false);
        var arm = await board.WaitForAsync(Markers.KexecArmRc).ConfigureAwait(false);
        var armRc = Markers.ValueAfter(arm, Markers.KexecArmRc);
        var loadedAfterArm = Markers.ValueAfter(arm, "crash_loaded=");
        var agentLines = board.Lines().Where(l => l.Elapsed > before.Elapsed && l.Elapsed < arm.Elapsed && l.Boot == arm.Boot).Select(l => l.Text).ToList();
        run.Observed["arm_rc"] = armRc;
        run.Observed["crash_loaded_after_arm"] = loadedAfterArm;
        if (!reserved)
        {
            run.Expect(Markers.ValueAfter(before, Markers.KexecReserved) == "0", $"kexec-noreserve should have no crash reservation: {before.Text}");
            run.Expect(armRc == "78", $"`appliance kexec arm` without a reservation should exit 78 (EX_CONFIG): {arm.Text}");
            var hint = agentLines.FirstOrDefault(l => l.Contains("crashkernel=256M", StringComparison.Ordinal) && l.Contains("GRUB_CMDLINE_LINUX", StringComparison.Ordinal));
            run.Expect(hint is not null, $"the refusal should say to add crashkernel=256M to GRUB_CMDLINE_LINUX; it said: {string.Join(" | ", agentLines)}");
            run.Expect(loadedAfterArm == "0", $"kexec_crash_loaded should stay 0: {arm.Text}");
            await PowerOffAsync(board).ConfigureAwait(false);
            run.Say($"boot {arm.Boot}: no crashkernel=: arm exited {armRc}: \"{hint}\"; kexec_crash_loaded={loadedAfterArm}");
            run.Observed["message"] = hint!;
            return run.Finish();
        }

        run.Expect(armRc == "0" && loadedAfterArm == "1", $"`appliance kexec arm good` with crashkernel=256M should load the crash kernel: {arm.Text} ({string.Join(" | ", agentLines)})");
        var disarm = await board.WaitForAsync(Markers.KexecDisarmRc).ConfigureAwait(false);
        var disarmRc = Markers.ValueAfter(disarm, Markers.KexecDisarmRc);
        var loadedAfterDisarm = Markers.ValueAfter(disarm, "crash_loaded=");
        run.Expect(disarmRc == "0" && loadedAfterDisarm == "0", $"`appliance kexec disarm` should exit 0 and unload: {disarm.Text}");
        await PowerOffAsync(board).ConfigureAwait(false);
        run.Say($"boot {arm.Boot}: {Markers.From(before, "kexec ")}; arm rc={armRc} crash_loaded={loadedAfterArm}; disarm rc={disarmRc} crash_loaded={loadedAfterDisarm}");
        run.Observed["disarm_rc"] = disarmRc;
        run.Observed["crash_loaded_after_disarm"] = loadedAfterDisarm;
        return run.Finish();
    }

    /// <summary>
    /// The rescue's firmware reboot, as before issue 16: appliance.rescuekexec=no in grubenv's
    /// vm_cmdline reaches the rescue through known-good's entry arguments and turns [Boot]
    /// RescueByKexec off there (kexec-rescue-soft is the default way out).
    /// </summary>
    private static void StageRescueByFirmware(QemuBoard board, Run run)
    {
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["vm_cmdline"] = "appliance.rescuekexec=no" });
        run.Say("host: vm_cmdline=appliance.rescuekexec=no (the rescue reboots through the firmware)");
    }

    /// <summary>When a panicking trial's panic, rescue and known-good's userspace were seen.</summary>
    public sealed record PanicTiming(SerialLine Panic, SerialLine? Rescue, SerialLine Good);

    /// <summary>
    /// From a started board whose staged trial panics during validation with
    /// kexec armed: checks kexec_crash_loaded=1 before the panic, waits for the
    /// panic, the rescue kernel's marker and known-good's userspace marker.
    /// </summary>
    public static async Task<PanicTiming> KexecPanicToGoodAsync(QemuBoard board, string trial)
    {
        await WaitBootAsync(board, trial).ConfigureAwait(false);
        var check = await board.WaitForAsync(Markers.CheckPanicking).ConfigureAwait(false);
        if (Markers.ValueAfter(check, Markers.CheckPanicking) != "1")
        {
            var notes = board.Lines().Where(l => l.Boot == check.Boot && l.Text.Contains("kexec", StringComparison.OrdinalIgnoreCase)).Select(l => l.Text);
            throw board.Fail($"the validator did not arm kexec before the checks ran: {check.Text} ({string.Join(" | ", notes)})");
        }

        var panic = await board.WaitForAsync(Markers.KernelPanic).ConfigureAwait(false);
        var rescue = await board.WaitForAsync(Markers.RescueKernel, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        await board.WaitForAsync(board.Banner).ConfigureAwait(false);
        await WaitBootAsync(board, Good).ConfigureAwait(false);
        var good = await board.WaitForAsync(Markers.Userspace(Good)).ConfigureAwait(false);
        return new PanicTiming(panic, rescue, good);
    }

    /// <summary>The plain path: the trial panics on every try (panic=1), GRUB spends them, then boots known-good.</summary>
    public static async Task<PanicTiming> PlainPanicToGoodAsync(QemuBoard board, string trial, int tries)
    {
        SerialLine? first = null;
        for (var i = 0; i < tries; i++)
        {
            await WaitBootAsync(board, trial).ConfigureAwait(false);
            var panic = await board.WaitForAsync(Markers.KernelPanic).ConfigureAwait(false);
            first ??= panic;
        }

        await WaitBootAsync(board, Good).ConfigureAwait(false);
        var good = await board.WaitForAsync(Markers.Userspace(Good)).ConfigureAwait(false);
        return new PanicTiming(first!, null, good);
    }
}
