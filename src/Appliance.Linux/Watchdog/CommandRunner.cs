using Appliance.Core.Health;
using Appliance.Core.Watchdog;
using Appliance.Linux.Health;
using Appliance.Linux.Native;

namespace Appliance.Linux.Watchdog;

/// <summary>
/// Runs a check or repair program through the health framework's <see cref="ProcessGroupRunner"/>:
/// posix_spawn, no shell, its own process group killed as a whole on timeout (a fork storm
/// cannot outrun it), output capped. Everything the program does (hang, flood, fork, crash)
/// costs this runner's thread, never the pet thread. It replaced System.Diagnostics.Process,
/// whose thread-pool and SIGCHLD machinery cost about 130 context switches per run
/// (tools/bench/watchdog.bench.sh, wakeups/s).
/// </summary>
public static class CommandRunner
{
    public static CheckOutcome Run(CommandSpec command, ProcessGroupRunner runner, TimeSpan timeout, CancellationToken cancel)
    {
        ProcessGroupResult result;
        try
        {
            result = runner.Run(command.Program, command.Arguments, ProcessGroupRunner.Environment("/"), timeout, cancel);
        }
        catch (SystemError e)
        {
            return CheckOutcome.Error($"{command.Program}: cannot run: {e.Message}");
        }
        catch (OperationCanceledException)
        {
            return CheckOutcome.Error($"{command.Program}: cancelled (daemon stopping or reloading)");
        }

        return result.Judge(timeout);
    }
}

/// <summary>The daemon's <c>Check=</c>: a program with arguments whose exit status is the verdict.</summary>
/// <remarks>Its time limit and output cap come with each run (CheckTimeout=, OutputLimitBytes=: IWatchdogPlatform.CheckContext).</remarks>
public sealed class CommandCheck(CommandSpec command) : IHealthCheck
{
    public string Name => command.ToString();

    public CheckKind Kind => CheckKind.Required;

    public bool Required => true;

    public bool MayBlock => true;

    public CheckOutcome Evaluate(HealthCheckContext context) => CommandRunner.Run(command, context.Processes, context.Timeout, context.Cancellation);
}
