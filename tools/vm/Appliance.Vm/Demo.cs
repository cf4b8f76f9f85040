using System.Diagnostics;
using System.Globalization;

namespace Appliance.Vm;

/// <summary>
/// `make demo`: a kernel upgrade on the QEMU board, told in a few lines with
/// timings. The board boots known-good; the operator stages a good trial, which
/// GRUB boots and the validator commits (it becomes the default); the operator
/// then stages a bad trial (a required health check fails), which the
/// validator rejects, and the board is back on known-good by itself, with
/// `appliance status` saying why. Real GRUB, real grub/appliance.cfg, real
/// agent; the host only leaves the operator's two commands on the disk.
/// </summary>
public static class Demo
{
    private const string GoodTrial = "trial";
    private const string BadTrial = "trial-sick";

    public static async Task RunAsync(Action<string> say)
    {
        var clock = Stopwatch.StartNew();
        void Step(string text) => say(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,5:F1}s] {text}"));

        await using var board = QemuBoard.Create("demo");
        Step($"board {board.Profile.Name}: QEMU {board.Profile.Machine}/{board.Profile.Accel} -> SeaBIOS -> GRUB 2.06 with grub/appliance.cfg -> Debian kernel + appliance in the initramfs");
        var first = $"upgrade stage {GoodTrial} --tries 3 --reboot";
        var second = $"upgrade stage {BadTrial} --tries 3 --reboot";
        BoardScenarios.OperatorRequest(board, first, second);
        Step($"operator's plan, one command per boot: `appliance {first}`, then `appliance {second}`");

        board.Start();
        var boot = await BoardScenarios.WaitValidatedAsync(board, BoardScenarios.Good).ConfigureAwait(false);
        Step($"boot {boot.Boot}: known-good '{boot.Entry}' is up; validator: {boot.Status.ThisBoot?.Message} (exit {boot.Rc})");
        var staged = await board.WaitForAsync(StagedLine).ConfigureAwait(false);
        Step($"operator: appliance {first}  ->  {staged.Text}");

        var spent = await board.WaitForAsync(Markers.GrubTrialTry).ConfigureAwait(false);
        boot = await BoardScenarios.WaitValidatedAsync(board, GoodTrial).ConfigureAwait(false);
        Expect(board, boot.Status.ThisBoot is { Result: "committed" } && boot.Status.KnownGood == GoodTrial, $"the good trial should be committed: {boot.Status}");
        Step($"boot {boot.Boot}: GRUB \"{spent.Text}\"; checks pass; validator: {boot.Status.ThisBoot!.Message}");
        staged = await board.WaitForAsync(StagedLine).ConfigureAwait(false);
        Step($"operator: appliance {second}  ->  {staged.Text}");

        spent = await board.WaitForAsync(Markers.GrubTrialTry).ConfigureAwait(false);
        await BoardScenarios.WaitBootAsync(board, BadTrial).ConfigureAwait(false);
        var check = await board.WaitForAsync(Markers.CheckFailed("50-app")).ConfigureAwait(false);
        await board.WaitForAsync(Markers.AgentRebooting).ConfigureAwait(false);
        Step($"boot {check.Boot}: GRUB \"{spent.Text}\"; validator: \"{check.Text}\" -> rejected, rebooting");

        var start = await board.WaitForAsync(Markers.GrubStart).ConfigureAwait(false);
        boot = await BoardScenarios.WaitValidatedAsync(board, GoodTrial).ConfigureAwait(false);
        await BoardScenarios.PowerOffAsync(board).ConfigureAwait(false);
        Expect(board, boot.Status.ThisBoot is { Result: "rolled-back" } && boot.Status.Rollback is not null, $"the bad trial should be rolled back: {boot.Status}");
        Step($"boot {boot.Boot}: GRUB picks {Markers.ValueAfter(start, "GRUB: start ")} (known-good since boot 2); back on '{boot.Entry}' without anyone touching it");
        Step($"appliance status: state={boot.Status.State}, known_good={boot.Status.KnownGood}, failed={boot.Status.Failed}");
        Step($"  {boot.Status.Rollback}");
        var env = board.GrubEnv.Read();
        Step($"host: grubenv saved_entry={env.Get("saved_entry")} appliance_good={env.Get("appliance_good")} appliance_failed={env.Get("appliance_failed")} (appliance and grub-editenv agree)");
        Step($"demo done: {board.Boots} boots, {clock.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>`appliance upgrade stage` (text output): "staged trial 'X' (title) with N tries; known-good is 'G' (title)".</summary>
    private const string StagedLine = "staged trial '";

    private static void Expect(QemuBoard board, bool condition, string message)
    {
        if (!condition)
        {
            throw board.Fail(message);
        }
    }
}
