using System.Globalization;

using static Appliance.Vm.BenchMath;

namespace Appliance.Vm;

/// <summary>
/// `bench-failover` (issue 16): for each kind of trial failure, how many firmware passes lie
/// between the failure and known-good's userspace, and how long that takes, by Appliance's
/// path against the plain path (reboot through the firmware, GRUB spends the tries), both
/// measured in the same run: run i of both paths runs at the same time (two VMs), so both
/// see the same host load.
///
/// SeaBIOS on QEMU takes well under a second, a server's POST 45 s to 10 minutes. So beside
/// each measured figure stands a modelled one for a server whose POST takes 60 s and 180 s:
/// the measured time with every firmware pass's measured time (SeaBIOS's banner to GRUB's
/// first line) replaced by the POST time.
/// </summary>
public static class FailoverBench
{
    /// <summary>POST times the model is printed for: a quick server and a typical one with option ROMs and memory training.</summary>
    private static readonly double[] PostSeconds = [60, 180];

    /// <summary>How long a path may take from the failure to known-good's userspace: the plain hang path with 3 tries is 3 watchdog timeouts plus 4 boots.</summary>
    private static readonly TimeSpan Within = TimeSpan.FromMinutes(8);

    public sealed record Path(string Label, string Entry, Func<QemuBoard, Task<SerialLine>> FailureAsync);

    /// <param name="Appliance">Appliance's path; null where there is none but the plain one (measured once, shown for both).</param>
    public sealed record Kind(string Name, Path? Appliance, Path Plain, string? Note = null);

    /// <param name="Seconds">From the failure's serial line to known-good's userspace marker.</param>
    /// <param name="FirmwarePasses">Firmware banners in between.</param>
    /// <param name="FirmwareSeconds">Their time: each banner to the next GRUB line.</param>
    public sealed record Measured(double Seconds, int FirmwarePasses, double FirmwareSeconds)
    {
        public double Modelled(double post) => Seconds - FirmwareSeconds + (FirmwarePasses * post);
    }

    public static IReadOnlyList<Kind> Kinds(int tries) =>
    [
        new("reject (checks fail)",
            new("kexec into known-good ([Boot] RejectByKexec)", "trial-sick-kexec", FailedCheckAsync),
            new("firmware reboot, GRUB boots known-good", "trial-sick", FailedCheckAsync)),
        new("panic",
            new("crash kernel rescues, then known-good", "trial-panic", PanicAsync),
            new($"panic=1, GRUB spends {tries} tries", "trial-panic-plain", PanicAsync)),
        new("hang, kernel alive",
            new("watchdog pretimeout panics, crash kernel rescues", "trial-wdt-pretimeout", HangAsync),
            new($"hardware reset at 60 s, GRUB spends {tries} tries", "trial-wdt-hang-plain", HangAsync)),
        new("hang, kernel dead",
            null,
            new($"hardware reset at 60 s, GRUB spends {tries} tries", "trial-wdt-hang-plain", HangAsync),
            "only the hardware watchdog can end a hang that stops the kernel itself (interrupts off), so both paths are the reset; measured as the daemon and the validator stopped with no pretimeout"),
    ];

    public static async Task<int> RunAsync(int runs, int tries, Action<string> say)
    {
        var kinds = Kinds(tries);
        var results = kinds.ToDictionary(k => k.Name, _ => (Appliance: new List<Measured>(), Plain: new List<Measured>()));
        for (var i = 1; i <= runs; i++)
        {
            // One measurement per entry and run: the kernel-dead row's plain path is the
            // kernel-alive row's.
            var measured = new Dictionary<string, Task<Measured>>();
            Task<Measured> Measure(Path path) =>
                measured.TryGetValue(path.Entry, out var known) ? known : measured[path.Entry] = OneAsync(path, tries);
            foreach (var kind in kinds)
            {
                var p = Measure(kind.Plain);
                var a = kind.Appliance is null ? p : Measure(kind.Appliance);
                await Task.WhenAll(a, p).ConfigureAwait(false);
                results[kind.Name].Appliance.Add(a.Result);
                results[kind.Name].Plain.Add(p.Result);
                say(Invariant($"run {i}/{runs} {kind.Name}: Appliance {Show(a.Result)}; plain {Show(p.Result)}"));
            }
        }

        say(string.Empty);
        say(Invariant($"{"failure",-22} {"path",-48} {"firmware",8} {"measured",9} {"POST 60 s",10} {"POST 180 s",11}"));
        foreach (var kind in kinds)
        {
            var (appliance, plain) = results[kind.Name];
            var a = MedianOf(appliance);
            var p = MedianOf(plain);
            say(Row(kind.Name, kind.Appliance?.Label ?? "(none: no kernel left to act, the plain path)", a));
            say(Row(string.Empty, kind.Plain.Label, p));
            say(Invariant($"{string.Empty,-22} ratio Appliance / plain: measured {a.Seconds / p.Seconds:F2}, POST {PostSeconds[0]:F0} s {a.Modelled(PostSeconds[0]) / p.Modelled(PostSeconds[0]):F2}, POST {PostSeconds[1]:F0} s {a.Modelled(PostSeconds[1]) / p.Modelled(PostSeconds[1]):F2}; firmware passes {a.FirmwarePasses} vs {p.FirmwarePasses}"));
            if (kind.Note is { } note)
            {
                say($"{string.Empty,-22} {note}");
            }
        }

        say(string.Empty);
        say("firmware: SeaBIOS banners between the failure's serial line and known-good's userspace marker (medians of " + runs.ToString(CultureInfo.InvariantCulture) + " runs each)");
        say("modelled(POST) = measured - sum over firmware passes of (SeaBIOS banner -> GRUB's first line) + passes x POST");
        return 0;
    }

    private static async Task<Measured> OneAsync(Path path, int tries)
    {
        await using var board = QemuBoard.Create($"bench-failover-{path.Entry}");
        board.GrubEnv.StageTrial(path.Entry, tries);
        board.Start();
        var failure = await path.FailureAsync(board).ConfigureAwait(false);
        SerialLine good;
        do
        {
            good = await board.WaitForAsync(Markers.Userspace(BoardScenarios.Good), Within).ConfigureAwait(false);
        }
        while (IsRescue(board.Lines(), good));

        await BoardScenarios.PowerOffAsync(board).ConfigureAwait(false);
        return Measure(board.Lines(), board.Banner, failure, good);
    }

    /// <summary>The figures of one run from its serial lines: pure, so the arithmetic is tested without a VM.</summary>
    public static Measured Measure(IReadOnlyList<SerialLine> lines, string banner, SerialLine failure, SerialLine good)
    {
        var between = lines.Where(l => l.Elapsed > failure.Elapsed && l.Elapsed <= good.Elapsed).ToList();
        var passes = 0;
        var firmware = 0.0;
        foreach (var line in between.Where(l => l.Text.Contains(banner, StringComparison.Ordinal)))
        {
            passes++;
            var grub = between.FirstOrDefault(l => l.Elapsed > line.Elapsed && l.Text.Contains(Markers.GrubStart, StringComparison.Ordinal));
            firmware += ((grub ?? good).Elapsed - line.Elapsed).TotalSeconds;
        }

        return new Measured((good.Elapsed - failure.Elapsed).TotalSeconds, passes, firmware);
    }

    /// <summary>
    /// The crash kernel is known-good's kernel and prints known-good's userspace marker too,
    /// right after its own rescue marker: that is the rescue, not known-good up again.
    /// </summary>
    public static bool IsRescue(IReadOnlyList<SerialLine> lines, SerialLine userspace)
    {
        var previous = lines.LastOrDefault(l => l.Elapsed < userspace.Elapsed
            && (l.Text.Contains(Markers.RescueKernel, StringComparison.Ordinal) || l.Text.Contains(Markers.UserspaceAny, StringComparison.Ordinal)));
        return previous is not null && previous.Boot == userspace.Boot && previous.Text.Contains(Markers.RescueKernel, StringComparison.Ordinal);
    }

    /// <summary>The failure is the required check's "failed" line of the first trial boot.</summary>
    private static async Task<SerialLine> FailedCheckAsync(QemuBoard board) =>
        await board.WaitForAsync(Markers.CheckFailed("50-app")).ConfigureAwait(false);

    /// <summary>The failure is the trial's check stopping the watchdog daemon (SIGSTOP).</summary>
    private static async Task<SerialLine> HangAsync(QemuBoard board) =>
        await board.WaitForAsync("via=sigstop").ConfigureAwait(false);

    /// <summary>The failure is the first "Kernel panic" line.</summary>
    private static async Task<SerialLine> PanicAsync(QemuBoard board) =>
        await board.WaitForAsync(Markers.KernelPanic).ConfigureAwait(false);

    private static Measured MedianOf(List<Measured> runs) =>
        new(Median(runs.ConvertAll(r => r.Seconds)), (int)Math.Round(Median(runs.ConvertAll(r => (double)r.FirmwarePasses))), Median(runs.ConvertAll(r => r.FirmwareSeconds)));

    private static string Row(string kind, string path, Measured m) =>
        Invariant($"{kind,-22} {path,-48} {m.FirmwarePasses,8} {m.Seconds,7:F1} s {m.Modelled(PostSeconds[0]),8:F1} s {m.Modelled(PostSeconds[1]),9:F1} s");

    private static string Show(Measured m) => Invariant($"{m.Seconds:F1} s, {m.FirmwarePasses} firmware passes ({m.FirmwareSeconds:F1} s)");

}
