using System.Diagnostics;

namespace Appliance.Vm;

/// <summary>Runs a short-lived host tool and captures its output.</summary>
public static class ToolRunner
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>
    /// Starts a long-running board process (QEMU) with stdin, stdout and stderr on pipes, for a
    /// <see cref="SerialConsole"/> to attach to.
    /// </summary>
    public static Process StartPiped(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Resolve(file))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi) ?? throw new BoardException("could not start " + psi.FileName);
    }

    /// <summary>
    /// Runs a host tool (ssh, scp) with stdin closed and output captured; null when it did not
    /// finish within <paramref name="timeout"/> (it is killed then).
    /// </summary>
    public static async Task<(Result Result, TimeSpan Took)?> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        using var p = StartPiped(file, args);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: false);
            await p.WaitForExitAsync().ConfigureAwait(false);
            return null;
        }

        return (new Result(p.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false)), clock.Elapsed);
    }

    public static Result Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(Resolve(file))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new BoardException($"could not start {file}");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return new Result(p.ExitCode, stdout, stderr.GetAwaiter().GetResult());
    }

    public static string RunChecked(string file, params string[] args)
    {
        var r = Run(file, args);
        if (r.ExitCode != 0)
        {
            throw new BoardException(
                $"{file} {string.Join(' ', args)} exited with {r.ExitCode}: {r.StdErr.Trim()} {r.StdOut.Trim()}");
        }

        return r.StdOut;
    }

    /// <summary>
    /// Bare names are looked up like <see cref="Which"/> does, so sbin tools (debugfs, e2fsck)
    /// run even when a non-root PATH lacks the sbin directories.
    /// </summary>
    private static string Resolve(string file) =>
        file.Contains('/', StringComparison.Ordinal) ? file : Which(file) ?? file;

    /// <summary>Finds an executable on PATH, also looking in the sbin directories a non-root PATH often lacks.</summary>
    public static string? Which(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var dirs = path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/sbin", "/sbin"]);
        return dirs.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }
}
