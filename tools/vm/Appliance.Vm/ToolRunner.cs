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
        var psi = new ProcessStartInfo(Which(file) ?? file)
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

    public static Result Run(string file, params string[] args)
    {
        // Bare names are looked up like Which does, so sbin tools (debugfs,
        // e2fsck) run even when a non-root PATH lacks the sbin directories.
        var resolved = file.Contains('/', StringComparison.Ordinal) ? file : Which(file) ?? file;
        var psi = new ProcessStartInfo(resolved)
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

    /// <summary>Finds an executable on PATH, also looking in the sbin directories a non-root PATH often lacks.</summary>
    public static string? Which(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var dirs = path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/sbin", "/sbin"]);
        return dirs.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }
}
