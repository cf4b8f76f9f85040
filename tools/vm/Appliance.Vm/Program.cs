using Appliance.Vm;

// Entry point of the board harness: `run-scenario NAME`, `list`, `demo [--board NAME]`, `bench-kexec`,
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

        case ["bench-kexec"]:
            return await KexecBench.RunAsync(
                int.TryParse(Environment.GetEnvironmentVariable("BENCH_KEXEC_RUNS"), out var runs) && runs > 0 ? runs : 3,
                int.TryParse(Environment.GetEnvironmentVariable("BENCH_KEXEC_TRIES"), out var tries) && tries > 0 ? tries : 3,
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
            Console.Error.WriteLine("usage: Appliance.Vm list | run-scenario NAME [--serial] | demo [--board qemu-x86_64|debian-12] | bench-kexec | debian-kernel-install [PACKAGE] [--serial] | debian-run COMMAND... [--serial]");
            return 2;
    }
}
catch (BoardException e)
{
    Console.Error.WriteLine("FAILED: " + e.Message);
    return 1;
}
