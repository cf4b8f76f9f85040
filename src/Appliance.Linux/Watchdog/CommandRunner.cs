using System.ComponentModel;
using System.Diagnostics;
using Appliance.Core.Health;
using Appliance.Core.Watchdog;
using Appliance.Linux.Native;

namespace Appliance.Linux.Watchdog;

/// <summary>
/// Runs a check or repair program directly (fork + execve, no shell), with a timeout, its
/// output capped, and its whole process tree killed when the time is up. Everything it can
/// do (hang, flood, fork, crash) costs this runner's thread, never the pet thread.
/// </summary>
public static class CommandRunner
{
    /// <summary>How long to keep draining output after the process ends: a background grandchild may hold the pipe open for ever.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(1);

    /// <summary>
    /// util-linux setsid(1): started from a process that is not a group leader (a .NET child
    /// never is) it calls setsid() and execs the command in place, so the command's pid is its
    /// process group id and one kill(-pgid) reaches every descendant, even those forked after
    /// any scan of /proc. No shell is involved: the arguments reach the command as given.
    /// </summary>
    private static readonly string? Setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    public static CheckOutcome Run(CommandSpec command, TimeSpan timeout, int outputLimit, CancellationToken cancel)
    {
        var start = new ProcessStartInfo(Setsid ?? command.Program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        if (Setsid is not null)
        {
            start.ArgumentList.Add("--wait");
            start.ArgumentList.Add(command.Program);
        }

        foreach (string argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("not started");
        }
        catch (Win32Exception e)
        {
            return CheckOutcome.Error($"{command.Program}: cannot run: {e.Message}");
        }

        using (process)
        {
            process.StandardInput.Close();
            var capture = new OutputCapture(outputLimit);
            Task stdout = Drain(process.StandardOutput.BaseStream, capture);
            Task stderr = Drain(process.StandardError.BaseStream, capture);

            bool exited;
            try
            {
                exited = WaitForExit(process, timeout, cancel);
            }
            finally
            {
                if (!process.HasExited)
                {
                    Kill(process);
                }
            }

            Task.WaitAll([stdout, stderr], DrainLimit);
            string output;
            lock (capture)
            {
                output = capture.ToString();
            }

            if (!exited)
            {
                return new CheckOutcome(CheckResult.Timeout, $"{output}\n[appliance: killed after {timeout.TotalSeconds:0.#} s]".TrimStart('\n'));
            }

            int code = process.ExitCode;
            // .NET reports death by signal N as 128 + N, as shells do.
            return code == 0 ? new CheckOutcome(CheckResult.Pass, output, 0) : new CheckOutcome(CheckResult.Fail, output, code);
        }
    }

    private static bool WaitForExit(Process process, TimeSpan timeout, CancellationToken cancel)
    {
        var deadline = Stopwatch.StartNew();
        while (!cancel.IsCancellationRequested)
        {
            TimeSpan left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            if (process.WaitForExit(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200)))
            {
                return true;
            }
        }

        return false;
    }

    private static void Kill(Process process)
    {
        // The group first: a fork storm can outrun a scan of /proc, not a group kill. Only for
        // a process not yet reaped, so its pid (the group id) cannot have been reused.
        Libc.kill(-process.Id, Libc.SIGKILL);
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
        catch (Win32Exception)
        {
            // Exited meanwhile, or a child changed credentials; nothing more can be done here.
        }
    }

    private static async Task Drain(Stream stream, OutputCapture capture)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                lock (capture)
                {
                    capture.Append(buffer.AsSpan(0, n));
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke when the process was killed; what was read is kept.
        }
        catch (ObjectDisposedException)
        {
            // Disposed after the drain limit; what was read is kept.
        }
    }
}

/// <summary>An external check: a program whose exit status is the verdict.</summary>
public sealed class CommandCheck(CommandSpec command, TimeSpan timeout, int outputLimit) : IWatchdogCheck
{
    public string Name => command.ToString();

    public CheckOutcome Run(CancellationToken cancel) => CommandRunner.Run(command, timeout, outputLimit, cancel);
}
