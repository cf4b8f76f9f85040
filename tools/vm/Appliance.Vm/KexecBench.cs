using System.Globalization;

using static Appliance.Vm.BenchMath;

namespace Appliance.Vm;

/// <summary>
/// `bench-kexec`: time from a panicking trial's first "Kernel panic" serial
/// line to known-good's userspace marker, by the kexec path (trial-panic:
/// crashkernel=256M, the validator arms, the rescue kernel rejects the trial
/// and reboots through the firmware) against the plain path
/// (trial-panic-plain: panic=1, GRUB spends all the tries), both staged with
/// the same tries on the same board. Run i of each path runs at the same
/// time (two VMs), so both see the same host load.
///
/// It also prints where each path's time goes, because the ratio has a floor
/// that no tuning of the rescue path can pass: the kexec path is one rescue
/// boot R plus one known-good boot G, the plain path is (tries - 1) more trial
/// boots T to their panic plus the same G. With T = G + V (V: how long the
/// trial runs in userspace before it panics), kexec &lt;= plain / 3 needs
/// 3R + 2G &lt;= (tries - 1)(G + V), which for 3 tries is R &lt;= 2V / 3.
/// </summary>
public static class KexecBench
{
    public static async Task<int> RunAsync(int runs, int tries, Action<string> say)
    {
        var kexec = new List<Phases>();
        var plain = new List<Phases>();
        for (var i = 1; i <= runs; i++)
        {
            var k = OneAsync("trial-panic", tries, kexecPath: true);
            var p = OneAsync("trial-panic-plain", tries, kexecPath: false);
            await Task.WhenAll(k, p).ConfigureAwait(false);
            kexec.Add(k.Result);
            plain.Add(p.Result);
            say(Invariant($"run {i}/{runs}: kexec {k.Result.Total:F1} s (rescue {k.Result.Rescue:F1} + back to known-good {k.Result.Back:F1}), plain {p.Result.Total:F1} s ({tries - 1} x trial boot {p.Result.Retry:F1} + known-good {p.Result.Back:F1})"));
        }

        var km = Median(kexec.ConvertAll(x => x.Total));
        var pm = Median(plain.ConvertAll(x => x.Total));
        var ratio = km / pm;
        say(Invariant($"{"",-44} {"median",8} {"min",7} {"max",7}"));
        say(Invariant($"{"kexec (rescue kernel, firmware reboot)",-44} {km,6:F1} s {kexec.Min(x => x.Total),5:F1} s {kexec.Max(x => x.Total),5:F1} s"));
        say(Invariant($"{$"plain (panic=1, GRUB spends {tries} tries)",-44} {pm,6:F1} s {plain.Min(x => x.Total),5:F1} s {plain.Max(x => x.Total),5:F1} s"));
        say(Invariant($"ratio kexec / plain: {ratio:F2} ({pm / km:F2}x faster); goal <= 0.33: {(ratio <= 1.0 / 3 ? "met" : "NOT met")} ({runs} runs each, first panic line -> known-good userspace)"));

        // The floor: the kexec path's rescue boot R against what the plain path spends on
        // trials beyond known-good's own boot, both medians of this run.
        double rescue = Median(kexec.ConvertAll(x => x.Rescue));
        double back = Median(kexec.ConvertAll(x => x.Back));
        double retry = Median(plain.ConvertAll(x => x.Retry));
        double plainBack = Median(plain.ConvertAll(x => x.Back));
        say(Invariant($"where the time goes (medians): kexec = rescue {rescue:F1} s (panic -> crash kernel -> trial rejected, reboot) + known-good boot {back:F1} s; plain = {tries - 1} x trial boot to its panic {retry:F1} s + known-good boot {plainBack:F1} s"));
        double bestKexec = rescue + back;
        say(Invariant($"even with the rescue taking no time at all, kexec / plain would be {back / pm:F2}; at 1/3 the rescue could take at most {Math.Max(0, (pm / 3) - back):F1} s, it takes {rescue:F1} s (total {bestKexec:F1} s)"));
        return 0;
    }

    /// <summary>Per path: Total from the first panic to known-good's userspace; Rescue and Back split the kexec path; Retry is one more trial boot of the plain path.</summary>
    private sealed record Phases(double Total, double Rescue, double Retry, double Back);

    private static async Task<Phases> OneAsync(string trial, int tries, bool kexecPath)
    {
        await using var board = QemuBoard.Create($"bench-{trial}");
        board.GrubEnv.StageTrial(trial, tries);
        if (kexecPath)
        {
            // The path this bench measures is the rescue's firmware reboot ([Boot] RescueByKexec
            // off in the rescue, see init.sh); kexec-rescue-soft measures the soft one.
            board.GrubEnv.Stage(new Dictionary<string, string?> { ["vm_cmdline"] = "appliance.rescuekexec=no" });
        }

        board.Start();
        var t = kexecPath
            ? await BoardScenarios.KexecPanicToGoodAsync(board, trial).ConfigureAwait(false)
            : await BoardScenarios.PlainPanicToGoodAsync(board, trial, tries).ConfigureAwait(false);
        double total = Seconds(t.Good.Elapsed - t.Panic.Elapsed);
        var lines = board.Lines();
        if (kexecPath)
        {
            // The rescue ends where the firmware starts again: the next boot's first line.
            var nextBoot = lines.First(l => l.Boot > t.Panic.Boot);
            double rescue = Seconds(nextBoot.Elapsed - t.Panic.Elapsed);
            return new Phases(total, rescue, 0, total - rescue);
        }

        var panics = lines.Where(l => l.Text.Contains(Markers.KernelPanic, StringComparison.Ordinal)).ToList();
        var last = panics[^1];
        double retry = panics.Count > 1 ? Seconds(last.Elapsed - t.Panic.Elapsed) / (panics.Count - 1) : 0;
        return new Phases(total, 0, retry, Seconds(t.Good.Elapsed - last.Elapsed));
    }

    private static double Seconds(TimeSpan span) => span.TotalSeconds;
}
