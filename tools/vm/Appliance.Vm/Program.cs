using Appliance.Vm;

// Entry point of the board harness: `run-scenario NAME [--board NAME]`, `list`, `demo [--board NAME]`, `bench-kexec`, `bench-failover`, `bench-tcg`,
// `boot-time [--board NAME] [RUNS]` (cold boots of known-good, one QEMU at a time),
// `debian-kernel-install [PACKAGE]` (the Debian 12 board's in-guest kernel install, measured).
// Exit codes: 0 pass, 1 board/scenario failure, 2 usage.
var verbose = args.Contains("--serial");
var words = args.Where(a => a != "--serial").ToArray();

void Say(string line) => Console.WriteLine(line);
void Serial(SerialLine line) => Console.WriteLine("    " + line);

try
{
    switch (words)
    {
        case ["list"]:
            foreach (var (name, text) in BoardScenarios.Descriptions)
            {
                Console.WriteLine($"{name,-16} {text}");
            }

            return 0;

        case ["run-scenario", var name]:
            {
                await using var board = QemuBoard.Create(name, onLine: verbose ? Serial : null);
                var result = await BoardScenarios.RunAsync(name, board, Say);
                Console.WriteLine($"{result.Name}: {result.Duration.TotalSeconds:F1} s, {result.Boots} boots");
                return 0;
            }

        case ["run-scenario", var name, "--board", var boardName]:
            {
                await using var board = QemuBoard.Create(name, RepoLayout.Discover(boardName), onLine: verbose ? Serial : null);
                var result = await BoardScenarios.RunAsync(name, board, Say);
                Console.WriteLine($"{result.Name} on {boardName}: {result.Duration.TotalSeconds:F1} s, {result.Boots} boots");
                return 0;
            }

        case ["boot-time", .. var rest] when rest is [] or ["--board", _] or ["--board", _, _] or [_]:
            {
                var boardName = rest is ["--board", var b, ..] ? b : "qemu-x86_64";
                var bootRuns = rest is [.., var n] && int.TryParse(n, out var r) && r > 0 ? r : 3;
                var timings = await BoardScenarios.MeasureBootTimesAsync(RepoLayout.Discover(boardName), bootRuns, Say);
                static double Median(IEnumerable<double> values)
                {
                    var sorted = values.Order().ToArray();
                    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
                }

                Say($"{boardName} median of {bootRuns}: firmware {Median(timings.Select(t => t.Firmware)):F1} s, GRUB {Median(timings.Select(t => t.Grub)):F1} s, "
                    + $"userspace {Median(timings.Select(t => t.Userspace)):F1} s (kernel uptime {Median(timings.Select(t => t.KernelUptime)):F2} s)");
                return 0;
            }

        case ["bench-kexec"]:
            return await KexecBench.RunAsync(
                int.TryParse(Environment.GetEnvironmentVariable("BENCH_KEXEC_RUNS"), out var runs) && runs > 0 ? runs : 3,
                int.TryParse(Environment.GetEnvironmentVariable("BENCH_KEXEC_TRIES"), out var tries) && tries > 0 ? tries : 3,
                Say);

        case ["bench-failover"]:
            return await FailoverBench.RunAsync(
                int.TryParse(Environment.GetEnvironmentVariable("BENCH_FAILOVER_RUNS"), out var failoverRuns) && failoverRuns > 0 ? failoverRuns : 1,
                int.TryParse(Environment.GetEnvironmentVariable("BENCH_FAILOVER_TRIES"), out var failoverTries) && failoverTries > 0 ? failoverTries : 3,
                Say);

        case ["bench-tcg"]:
            return await TcgBench.RunAsync(
                int.TryParse(Environment.GetEnvironmentVariable("BENCH_TCG_RUNS"), out var tcgRuns) && tcgRuns > 0 ? tcgRuns : 3,
                Say);

        case ["debian-kernel-install"]:
            await DebianKernelInstall.RunAsync("linux-image-6.1.0-55-amd64", Say, verbose ? Serial : null);
            return 0;

        case ["debian-kernel-install", var package]:
            await DebianKernelInstall.RunAsync(package, Say, verbose ? Serial : null);
            return 0;

        case ["debian-run", .. var commands] when commands.Length > 0:
            {
                // Boots a fresh overlay of the Debian 12 board, runs each command over ssh
                // (printing its output and time), powers off. For looking at the real thing by hand.
                await using var board = DebianBoard.Create("debian-run", onLine: verbose ? Serial : null);
                var up = await board.StartAndWaitForUpAsync();
                Say($"up: {up.KernelRelease} {up.BootId} at {up.Line.Elapsed.TotalSeconds:F1} s");
                foreach (var command in commands)
                {
                    var r = await board.RunAsync(command, TimeSpan.FromMinutes(30));
                    Say($"$ {command}  (exit {r.ExitCode}, {r.Duration.TotalSeconds:F1} s)");
                    Console.Write(r.StdOut + r.StdErr);
                }

                await board.PowerOffAsync();
                return 0;
            }

        case ["demo"]:
            await Demo.RunAsync(Say);
            return 0;

        case ["demo", "--board", "qemu-x86_64"]:
            await Demo.RunAsync(Say);
            return 0;

        case ["demo", "--board", DebianBoard.BoardName]:
            await DebianDemo.RunAsync(Say);
            return 0;

        default:
            Console.Error.WriteLine("usage: Appliance.Vm list | run-scenario NAME [--board qemu-x86_64|qemu-x86_64-uefi] [--serial] | boot-time [--board NAME] [RUNS] | demo [--board qemu-x86_64|debian-12] | bench-kexec | bench-failover | bench-tcg | debian-kernel-install [PACKAGE] [--serial] | debian-run COMMAND... [--serial]");
            return 2;
    }
}
catch (BoardException e)
{
    Console.Error.WriteLine("FAILED: " + e.Message);
    return 1;
}
