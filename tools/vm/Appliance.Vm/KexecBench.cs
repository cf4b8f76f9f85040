using System.Globalization;

namespace Appliance.Vm;

/// <summary>
/// `bench-kexec`: time from a panicking trial's first "Kernel panic" serial
/// line to known-good's userspace marker, by the kexec path (trial-panic:
/// crashkernel=256M, the validator arms, the rescue kernel rejects the trial
/// and reboots through the firmware) against the plain path
/// (trial-panic-plain: panic=1, GRUB spends all the tries), both staged with
/// the same tries on the same board. Run i of each path runs at the same
/// time (two VMs), so both see the same host load.
/// </summary>
public static class KexecBench
{
    public static async Task<int> RunAsync(int runs, int tries, Action<string> say)
    {
        var kexec = new List<double>();
        var plain = new List<double>();
        for (var i = 1; i <= runs; i++)
        {
            var k = OneAsync("trial-panic", tries, kexecPath: true);
            var p = OneAsync("trial-panic-plain", tries, kexecPath: false);
            await Task.WhenAll(k, p).ConfigureAwait(false);
            kexec.Add(k.Result);
            plain.Add(p.Result);
            say(string.Create(CultureInfo.InvariantCulture, $"run {i}/{runs}: kexec {k.Result:F1} s, plain {p.Result:F1} s"));
        }

        var km = Median(kexec);
        var pm = Median(plain);
        var ratio = km / pm;
        say(string.Create(CultureInfo.InvariantCulture, $"{"",-44} {"median",8} {"min",7} {"max",7}"));
        say(string.Create(CultureInfo.InvariantCulture, $"{"kexec (rescue kernel, firmware reboot)",-44} {km,6:F1} s {kexec.Min(),5:F1} s {kexec.Max(),5:F1} s"));
        say(string.Create(CultureInfo.InvariantCulture, $"{$"plain (panic=1, GRUB spends {tries} tries)",-44} {pm,6:F1} s {plain.Min(),5:F1} s {plain.Max(),5:F1} s"));
        say(string.Create(CultureInfo.InvariantCulture, $"ratio kexec / plain: {ratio:F2} ({pm / km:F2}x faster); goal <= 0.33: {(ratio <= 1.0 / 3 ? "met" : "NOT met")} ({runs} runs each, first panic line -> known-good userspace)"));
        return 0;
    }

    private static async Task<double> OneAsync(string trial, int tries, bool kexecPath)
    {
        await using var board = QemuBoard.Create($"bench-{trial}");
        board.GrubEnv.StageTrial(trial, tries);
        board.Start();
        var t = kexecPath
            ? await BoardScenarios.KexecPanicToGoodAsync(board, trial).ConfigureAwait(false)
            : await BoardScenarios.PlainPanicToGoodAsync(board, trial, tries).ConfigureAwait(false);
        return (t.Good.Elapsed - t.Panic.Elapsed).TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var s = values.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
    }
}
