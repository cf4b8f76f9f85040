using System.Diagnostics;
using System.Globalization;

namespace Appliance.Vm;

/// <summary>
/// `make demo`: kernel upgrades on the QEMU board, told in a few lines with
/// timings. The board boots known-good; the operator stages a good trial,
/// which GRUB boots and the validator commits (it becomes the default); then a
/// bad trial whose health check fails (the validator rejects it and reboots),
/// then a bad kernel that panics before userspace (GRUB spends its tries and
/// returns to known-good by itself). `appliance status` says why each time.
/// Real GRUB with the real grub/appliance.cfg, the real agent; the host only
/// leaves the operator's commands on the disk, one per boot (init.sh runs the
/// next one after validation).
/// </summary>
public static class Demo
{
    private const string GoodTrial = "trial";
    private const string SickTrial = "trial-sick";
    private const string PanicTrial = "trial-noinit";

    /// <summary>`appliance upgrade stage` (text output): "staged trial 'X' (title) with N tries; known-good is 'G' (title)".</summary>
    private const string StagedLine = "staged trial '";

    public static async Task RunAsync(Action<string> say)
    {
        var clock = Stopwatch.StartNew();
        void Step(string text) => say(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,5:F1}s] {text}"));

        await using var board = QemuBoard.Create("demo");
        Step($"board {board.Profile.Name}: QEMU {board.Profile.Machine}/{board.Profile.Accel}, SeaBIOS, GRUB 2.06 + grub/appliance.cfg, Debian kernel, appliance in the initramfs");
        string[] plan =
        [
            $"upgrade stage {GoodTrial} --tries 3 --reboot",
            $"upgrade stage {SickTrial} --tries 3 --reboot",
            $"upgrade stage {PanicTrial} --tries 2 --reboot",
        ];
        BoardScenarios.OperatorRequest(board, plan);
        Step("the operator will stage a good kernel, then one whose app check fails, then one that panics before userspace");

        // 1. Known-good, then a good trial that is committed.
        board.Start();
        var boot = await BoardScenarios.WaitValidatedAsync(board, BoardScenarios.Good).ConfigureAwait(false);
        Step($"boot {boot.Boot}: '{boot.Entry}' (known-good) is up; validator: {boot.Status.ThisBoot?.Message}");
        await OperatorAsync(board, Step, plan[0]).ConfigureAwait(false);

        var spent = await board.WaitForAsync(Markers.GrubTrialTry).ConfigureAwait(false);
        boot = await BoardScenarios.WaitValidatedAsync(board, GoodTrial).ConfigureAwait(false);
        Expect(board, boot.Status.ThisBoot is { Result: "committed" } && boot.Status.KnownGood == GoodTrial, $"the good trial should be committed: {boot.Status}");
        Step($"boot {boot.Boot}: GRUB \"{Markers.From(spent, Markers.GrubTrialTry)}\"");
        Step($"        validator: {boot.Status.ThisBoot!.Message}");
        await OperatorAsync(board, Step, plan[1]).ConfigureAwait(false);

        // 2. A trial whose required check fails: rejected by the validator.
        spent = await board.WaitForAsync(Markers.GrubTrialTry).ConfigureAwait(false);
        await BoardScenarios.WaitBootAsync(board, SickTrial).ConfigureAwait(false);
        var check = await board.WaitForAsync(Markers.CheckFailed("50-app")).ConfigureAwait(false);
        await board.WaitForAsync(Markers.AgentRebooting).ConfigureAwait(false);
        Step($"boot {check.Boot}: GRUB \"{Markers.From(spent, Markers.GrubTrialTry)}\"");
        Step($"        validator: {Markers.From(check, "check ")} -> rejected, rebooting");
        var start = await board.WaitForAsync(Markers.GrubStart).ConfigureAwait(false);
        boot = await BoardScenarios.WaitValidatedAsync(board, GoodTrial).ConfigureAwait(false);
        Expect(board, boot.Status.ThisBoot is { Result: "rolled-back" } && boot.Status.Rollback is not null, $"the failing trial should be rolled back: {boot.Status}");
        Step($"boot {boot.Boot}: GRUB picks {Markers.ValueAfter(start, "GRUB: start ")}: back on the known-good '{boot.Entry}' without anyone touching it");
        Step($"        status: {boot.Status.Rollback}");
        await OperatorAsync(board, Step, plan[2]).ConfigureAwait(false);

        // 3. A kernel that panics before userspace: only GRUB's try counter can help.
        for (var i = 0; i < 2; i++)
        {
            spent = await board.WaitForAsync(Markers.GrubTrialTry).ConfigureAwait(false);
            var panic = await board.WaitForAsync(Markers.KernelPanic).ConfigureAwait(false);
            Step($"boot {panic.Boot}: GRUB \"{Markers.From(spent, Markers.GrubTrialTry)}\"; {Markers.From(panic, Markers.KernelPanic)}");
        }

        var usedUp = await board.WaitForAsync(Markers.GrubTriesUsedUp).ConfigureAwait(false);
        boot = await BoardScenarios.WaitValidatedAsync(board, GoodTrial).ConfigureAwait(false);
        await BoardScenarios.PowerOffAsync(board).ConfigureAwait(false);
        Expect(board, boot.Status.ThisBoot is { Result: "rolled-back" } && boot.Status.Failed == PanicTrial, $"the panicking trial should be rolled back: {boot.Status}");
        Step($"boot {boot.Boot}: GRUB \"{Markers.From(usedUp, "appliance: ")}\"");
        Step($"        status: {boot.Status.Rollback}");

        var env = board.GrubEnv.Read();
        Step($"host: grubenv saved_entry={env.Get("saved_entry")} appliance_good={env.Get("appliance_good")} appliance_failed={env.Get("appliance_failed")}, no trial (appliance and grub-editenv agree)");
        Step($"demo done: {board.Boots} boots, {clock.Elapsed.TotalSeconds:F0} s");
    }

    private static async Task OperatorAsync(QemuBoard board, Action<string> step, string command)
    {
        var staged = await board.WaitForAsync(StagedLine).ConfigureAwait(false);
        await board.WaitForAsync(Markers.AgentRebooting).ConfigureAwait(false);
        step($"        operator$ appliance {command}");
        step($"        {staged.Text}");
    }

    private static void Expect(QemuBoard board, bool condition, string message)
    {
        if (!condition)
        {
            throw board.Fail(message);
        }
    }
}
