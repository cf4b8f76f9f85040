using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Appliance.Vm;

/// <summary>
/// `make demo BOARD=debian-12`: a kernel upgrade on the stock Debian 12 board, told in a few
/// lines with timings. The machine runs 6.1.0-53 with 6.1.0-55 installed by apt but not booted,
/// and Appliance installed by dpkg (<see cref="DebianStages.PreparedAsync"/>). First the new
/// kernel is staged while the application's check fails on it: the validator rejects it and
/// the machine is back on 6.1.0-53 by itself, status saying why. Then, the application fixed,
/// the same kernel is staged again: committed before boot-complete.target, and it stays.
/// </summary>
public static class DebianDemo
{
    private const string Check = "/etc/appliance/checks.d/required.d/50-app";

    public static async Task RunAsync(Action<string> say)
    {
        var clock = Stopwatch.StartNew();
        void Step(string text) => say(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:F1}s] {text}"));

        Step("preparing the machine (cached after the first run): Debian 12, GRUB by grub-install, grub.cfg by update-grub, "
            + $"{DebianStages.OldKernel} running, {DebianStages.NewKernel} installed by apt, appliance by dpkg -i");
        await using var guest = await DebianGuest.StartPreparedAsync("debian-demo", _ => { }).ConfigureAwait(false);
        var board = guest.Board;
        var up = board.LastUp!;
        Step($"boot {board.Boots}: {up.KernelRelease} is up (systemd, multi-user.target); known-good is pinned:");
        var env = await guest.GrubEnvAsync().ConfigureAwait(false);
        Step($"        grubenv appliance_good={DebianGuest.Get(env, "appliance_good")}");
        var trial = await guest.EntryPathAsync(DebianStages.NewKernel).ConfigureAwait(false);

        // Scenario 3: the application does not come up on the new kernel.
        await guest.WriteFileAsync(Check, $"#!/bin/sh\nif [ \"$(uname -r)\" = \"{DebianStages.NewKernel}\" ]; then echo \"app did not answer on $(uname -r)\"; exit 1; fi\nexit 0\n", "0755").ConfigureAwait(false);
        Step($"operator$ appliance upgrade stage '{trial}' --tries 3 --reboot   (the app's check fails on {DebianStages.NewKernel})");
        var back = await guest.RebootIntoAsync($"appliance upgrade stage '{trial}' --tries 3 --reboot", DebianStages.OldKernel, TimeSpan.FromMinutes(8)).ConfigureAwait(false);
        Expect(board, board.Count($"Linux version {DebianStages.NewKernel}") == 1, "the trial kernel should have booted once");
        Step($"boot {board.Boots}: {back.KernelRelease} is back by itself: the validator rejected the trial and rebooted into known-good");
        await guest.WaitValidatedAsync().ConfigureAwait(false);
        Step($"        status: {await RollbackAsync(guest).ConfigureAwait(false)}");

        // Scenario 2: the README procedure, the application fixed.
        await guest.RunAsync($"rm {Check}").ConfigureAwait(false);
        Step($"operator$ appliance upgrade stage '{trial}' --tries 3 --reboot   (the app fixed)");
        var trialUp = await guest.RebootIntoAsync($"appliance upgrade stage '{trial}' --tries 3 --reboot", DebianStages.NewKernel, TimeSpan.FromMinutes(6)).ConfigureAwait(false);
        Step($"boot {board.Boots}: {trialUp.KernelRelease} is up as the trial");
        var validated = await guest.WaitValidatedAsync().ConfigureAwait(false);
        var status = await guest.StatusAsync().ConfigureAwait(false);
        Expect(board, validated == "active" && status.GetProperty("last_trial").GetProperty("result").GetString() == "committed",
            $"the trial should be committed: {status}");
        Step($"        appliance-validate.service: {status.GetProperty("last_trial").GetProperty("message").GetString()}; "
            + $"boot-complete.target {(await guest.RunAsync("systemctl is-active boot-complete.target").ConfigureAwait(false)).Trim()}");
        var plain = await board.RebootAsync().ConfigureAwait(false);
        Expect(board, plain.KernelRelease == DebianStages.NewKernel, $"plain boots should stay on {DebianStages.NewKernel}, not {plain.KernelRelease}");
        env = await guest.GrubEnvAsync().ConfigureAwait(false);
        Step($"boot {board.Boots}: a plain reboot stays on {plain.KernelRelease}; grubenv appliance_good=saved_entry={DebianGuest.Get(env, "saved_entry")}");
        await board.PowerOffAsync().ConfigureAwait(false);
        Step($"demo done: {board.Boots} firmware passes, {clock.Elapsed.TotalSeconds:F0} s");
    }

    private static async Task<string> RollbackAsync(DebianGuest guest)
    {
        var status = await guest.StatusAsync().ConfigureAwait(false);
        return status.TryGetProperty("rollback", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "(none)";
    }

    private static void Expect(DebianBoard board, bool condition, string message)
    {
        if (!condition)
        {
            throw board.Fail(message);
        }
    }
}
