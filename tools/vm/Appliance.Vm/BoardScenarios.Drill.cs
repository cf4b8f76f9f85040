using System.Globalization;
using System.Text.Json;

namespace Appliance.Vm;

/// <summary>Issue 17's escape-hatch drill on the board.</summary>
public static partial class BoardScenarios
{
    /// <summary>
    /// The machine is committed and idle on 'drill' (known-good, with crashkernel=256M). The
    /// operator runs `appliance drill panic --yes`: the agent arms 'drill' as its own rescue
    /// kernel and panics; the rescue kernel comes up without the firmware, records its half and
    /// reboots; GRUB boots 'drill' again, whose validator records the way back as passed, with
    /// the measured time from the panic to healthy userspace.
    /// </summary>
    public static async Task<ScenarioResult> DrillPanicAsync(QemuBoard board, Action<string> say)
    {
        const string canary = "drill";
        var run = new Run(DrillPanic, board, say);
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["saved_entry"] = canary, ["appliance_good"] = canary });
        OperatorRequest(board, "drill panic --yes");
        run.Say($"host: '{canary}' is known-good and the default; left the operator's command 'appliance drill panic --yes'");

        board.Start();
        var first = await WaitValidatedAsync(board, canary).ConfigureAwait(false);
        run.Expect(first.Rc == 0 && first.Status.State == "idle", $"'{canary}' should validate as an idle, healthy machine: rc={first.Rc} {first.Status}");
        var armed = await board.WaitForAsync("drill: armed").ConfigureAwait(false);
        var panic = await board.WaitForAsync(SysrqPanic).ConfigureAwait(false);
        var rescue = await board.WaitForAsync(Markers.RescueKernel, RescueWithin).ConfigureAwait(false);
        run.Expect(rescue.Boot == panic.Boot, "the firmware ran between the drill's panic and the rescue kernel: the crash kexec did not happen");
        var rescueHalf = await board.WaitForAsync("rescue kernel up after").ConfigureAwait(false);
        await board.WaitForAsync(Markers.AgentRebooting).ConfigureAwait(false);
        run.Say($"boot {armed.Boot}: {Markers.From(armed, "drill: armed")}; the kernel panicked and the rescue kernel came up {(rescue.Elapsed - panic.Elapsed).TotalSeconds:F1} s later, without the firmware");

        var back = await WaitValidatedAsync(board, canary).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        run.Expect(back.Boot == rescue.Boot + 1, $"'{canary}' should boot right after the rescue kernel, not at boot {back.Boot}");
        using var status = JsonDocument.Parse(back.Status.Json);
        var drill = status.RootElement.GetProperty("last_drill");
        run.Expect(drill.ValueKind == JsonValueKind.Object, $"status should show the drill: {back.Status.Json}");
        string result = drill.GetProperty("result").GetString() ?? "";
        run.Expect(result == "passed" && drill.GetProperty("healthy_entry").GetString() == canary,
            $"the drill should pass, back on '{canary}': {drill}");
        double rescueAfter = drill.GetProperty("rescue_after_sec").GetDouble();
        double healthyAfter = drill.GetProperty("healthy_after_sec").GetDouble();
        run.Expect(rescueAfter > 0 && healthyAfter >= rescueAfter, $"the measured times should be positive and in order: {drill}");
        run.Expect(board.GrubEnv.Read().Get("appliance_good") == canary, "the drill must leave the known-good entry as it was");
        run.Say($"boot {back.Boot}: back on '{canary}'; the drill recorded: panic to rescue {rescueAfter:F1} s, to healthy userspace {healthyAfter:F1} s ({Markers.From(rescueHalf, "panic drill")})");
        run.Observed["result"] = result;
        run.Observed["healthy_after_sec"] = healthyAfter.ToString("F1", CultureInfo.InvariantCulture);
        run.Observed["rescue_after_sec"] = rescueAfter.ToString("F1", CultureInfo.InvariantCulture);
        return run.Finish();
    }
}
