using System.Globalization;

namespace Appliance.Vm;

/// <summary>
/// Issue 16: panic, rescue, known-good without the firmware. The rescue kernel saves the panic,
/// rejects the trial and, with [Boot] RescueByKexec (on by default), kexecs straight into
/// known-good with the whole machine's memory map; when that kexec fails it reboots through the
/// firmware and its journal record says why.
/// </summary>
public static partial class BoardScenarios
{
    /// <summary>
    /// Known-good entered from the rescue must have the whole machine's RAM, not the 256 MiB
    /// crash reservation (a soft kexec without memmap=exactmap gave it 202 MiB,
    /// shared/notes/rollback-timings.md): at least 3/4 of the board's 1024 MiB.
    /// </summary>
    public const long FullMemoryKb = 768 * 1024;

    /// <summary>What the rescue's validator prints (and adds to its journal record) when it leaves by the soft path (RescueReboot.SoftNote).</summary>
    public const string RescueSoftNote = "left the rescue by soft kexec into 'good'";

    /// <summary>What it prints when a kexec step failed (RescueReboot.FailedNote).</summary>
    public const string RescueKexecFailedNote = "the soft kexec into known-good failed (";

    /// <summary>
    /// trial-panic (ArmKexec, crashkernel=256M) panics during its checks; the rescue kernel's
    /// validator rejects it and kexecs into good: good's userspace comes up on the same firmware
    /// pass (no SeaBIOS banner, no GRUB), with its full memory, and records the rollback.
    /// </summary>
    public static async Task<ScenarioResult> KexecRescueSoftAsync(QemuBoard board, Action<string> say)
    {
        const string trial = "trial-panic";
        var run = new Run(KexecRescueSoft, board, say);
        run.Say($"host: {board.GrubEnv.StageTrial(trial, 3)}");
        board.Start();
        var (panic, rescue, rescueKb) = await PanicToRescueAsync(board, run, trial).ConfigureAwait(false);

        var soft = await board.WaitForAsync(RescueSoftNote, RescueWithin).ConfigureAwait(false);
        run.Say($"rescue's validator: \"{Markers.From(soft, "appliance: ")}\"");
        var up = await board.WaitForAsync(Markers.Userspace(Good), RescueWithin).ConfigureAwait(false);
        var memory = await board.WaitForAsync(Markers.Memory(Good)).ConfigureAwait(false);
        long goodKb = long.Parse(Markers.ValueAfter(memory, "total_kb="), NumberStyles.None, CultureInfo.InvariantCulture);
        run.Expect(up.Boot == panic.Boot && up.Boot == rescue.Boot, "the firmware ran between the panic and good's userspace: the rescue did not kexec into good");
        run.Expect(board.Count(Markers.GrubBooting(Good)) == 0, "GRUB should not have run after the panic (good was entered by kexec from the rescue)");
        run.Expect(board.Count(board.Banner) == 1, "the firmware banner should appear once, at power-on");
        run.Expect(goodKb >= FullMemoryKb, $"good entered from the rescue should see the whole machine's RAM, not the crash reservation: MemTotal {goodKb} kB (rescue: {rescueKb} kB)");
        run.Expect(board.Lines().All(l => !l.Text.Contains(Markers.AgentRebooting, StringComparison.Ordinal)), "the rescue should not have rebooted through the firmware");

        var good = await WaitValidatedAfterUserspaceAsync(board, Good).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        run.Expect(good.Rc == 0 && good.Status.ThisBoot is { Result: "rolled-back" } && good.Status.Failed == trial,
            $"good's validator should record the rollback: rc={good.Rc} {good.Status}");
        var rollback = good.Status.Rollback ?? string.Empty;
        run.Expect(rollback.Contains(SysrqPanic, StringComparison.Ordinal), $"status should name the panic in rollback: \"{rollback}\"");
        run.Expect(good.Status.Boots.Any(b => b.Message.Contains(RescueSoftNote, StringComparison.Ordinal)),
            $"the rescue's journal record should say it left by soft kexec: {good.Status.Json}");
        var env = board.GrubEnv.Read();
        run.Expect(env.Agree && env.Get("appliance_trial").Length == 0 && env.Get("appliance_failed") == trial && env.Get("appliance_good") == Good,
            $"grubenv should hold the rejection (appliance_failed={trial}) and good as known-good: {env}");

        var total = up.Elapsed - panic.Elapsed;
        run.Say($"good's userspace {total.TotalSeconds:F1} s after the panic on the same firmware pass, MemTotal {goodKb} kB (the rescue had {rescueKb} kB); rollback: \"{rollback}\"");
        run.Observed["panic_to_rescue_s"] = Seconds(rescue.Elapsed - panic.Elapsed);
        run.Observed["panic_to_good_s"] = Seconds(total);
        run.Observed["rescue_memtotal_kb"] = rescueKb.ToString(CultureInfo.InvariantCulture);
        run.Observed["good_memtotal_kb"] = goodKb.ToString(CultureInfo.InvariantCulture);
        return run.Finish();
    }

    /// <summary>
    /// The same panic with appliance.rescuekexec=refused in grubenv's vm_cmdline: the rescue sets
    /// kernel.kexec_load_disabled=1 before its validator runs, so the soft kexec's load is refused
    /// for real (EPERM); the validator falls back to the firmware reboot, GRUB boots good, and the
    /// rescue's journal record says the kexec failed and why.
    /// </summary>
    public static async Task<ScenarioResult> KexecRescueRefusedAsync(QemuBoard board, Action<string> say)
    {
        const string trial = "trial-panic";
        var run = new Run(KexecRescueRefused, board, say);
        run.Say($"host: {board.GrubEnv.StageTrial(trial, 3)}");
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["vm_cmdline"] = "appliance.rescuekexec=refused" });
        run.Say("host: vm_cmdline=appliance.rescuekexec=refused (the rescue disables kexec loads)");
        board.Start();
        var (panic, rescue, _) = await PanicToRescueAsync(board, run, trial).ConfigureAwait(false);
        run.Expect(board.Count("APPLIANCE-MARKER: rescue kexec_load_disabled=1") == 1, "the rescue should have set kernel.kexec_load_disabled=1");

        var failed = await board.WaitForAsync(RescueKexecFailedNote, RescueWithin).ConfigureAwait(false);
        var rebooting = await board.WaitForAsync(Markers.AgentRebooting).ConfigureAwait(false);
        run.Expect(rebooting.Boot == rescue.Boot, "the rescue's firmware reboot line should come from the rescue");
        run.Say($"rescue's validator: \"{Markers.From(failed, "appliance: ")}\"; then \"{Markers.From(rebooting, "appliance: ")}\"");
        await board.WaitForAsync(board.Banner).ConfigureAwait(false);
        await WaitBootAsync(board, Good).ConfigureAwait(false);
        var up = await board.WaitForAsync(Markers.Userspace(Good)).ConfigureAwait(false);
        run.Expect(up.Boot == rescue.Boot + 1, "good should come up on the next firmware pass after the rescue");
        var good = await WaitValidatedAfterUserspaceAsync(board, Good).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        run.Expect(good.Rc == 0 && good.Status.ThisBoot is { Result: "rolled-back" } && good.Status.Failed == trial,
            $"good's validator should record the rollback: rc={good.Rc} {good.Status}");
        var record = good.Status.Boots.FirstOrDefault(b => b.Message.Contains(RescueKexecFailedNote, StringComparison.Ordinal));
        run.Expect(record is not null && record.Message.Contains("kexec_load_disabled", StringComparison.Ordinal),
            $"the rescue's journal record should say the kexec failed because kexec loads are disabled (kexec_load_disabled): {good.Status.Json}");
        var env = board.GrubEnv.Read();
        run.Expect(env.Agree && env.Get("appliance_trial").Length == 0 && env.Get("appliance_failed") == trial && env.Get("appliance_good") == Good,
            $"grubenv should hold the rejection (appliance_failed={trial}) and good as known-good: {env}");

        var total = up.Elapsed - panic.Elapsed;
        run.Say($"good's userspace {total.TotalSeconds:F1} s after the panic, through the firmware; the rescue's record: \"{record!.Message}\"");
        run.Observed["panic_to_good_s"] = Seconds(total);
        run.Observed["rescue_record"] = record.Message;
        return run.Finish();
    }

    /// <summary>From a started board: the trial armed kexec, panicked, and the rescue kernel's userspace came up on the same firmware pass; returns the panic, the rescue marker and the rescue's MemTotal.</summary>
    private static async Task<(SerialLine Panic, SerialLine Rescue, long RescueKb)> PanicToRescueAsync(QemuBoard board, Run run, string trial)
    {
        await WaitBootAsync(board, trial).ConfigureAwait(false);
        var check = await board.WaitForAsync(Markers.CheckPanicking).ConfigureAwait(false);
        run.Expect(Markers.ValueAfter(check, Markers.CheckPanicking) == "1", $"the validator did not arm kexec before the checks ran: {check.Text}");
        var panic = await board.WaitForAsync(Markers.KernelPanic).ConfigureAwait(false);
        var rescue = await board.WaitForAsync(Markers.RescueKernel, RescueWithin).ConfigureAwait(false);
        run.Expect(rescue.Boot == panic.Boot, "the firmware ran between the panic and the rescue kernel: the crash kexec did not happen");
        await board.WaitForAsync(Markers.Userspace(Good)).ConfigureAwait(false);
        var memory = await board.WaitForAsync(Markers.Memory(Good)).ConfigureAwait(false);
        long kb = long.Parse(Markers.ValueAfter(memory, "total_kb="), NumberStyles.None, CultureInfo.InvariantCulture);
        run.Say($"boot {panic.Boot}: '{trial}' armed kexec and panicked; rescue kernel userspace {(rescue.Elapsed - panic.Elapsed).TotalSeconds:F1} s later, MemTotal {kb} kB");
        return (panic, rescue, kb);
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
}
