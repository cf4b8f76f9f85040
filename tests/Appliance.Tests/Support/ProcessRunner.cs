using System.Diagnostics;
using System.Text;

namespace Appliance.Tests.Support;

/// <summary>What a finished child process left: exit code, stdout as raw bytes, stderr as text.</summary>
public sealed record ProcessResult(string Command, int ExitCode, byte[] Stdout, string Stderr)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    public override string ToString() => $"{Command} exited {ExitCode}; stderr: {Stderr}";
}

/// <summary>
/// Runs a program directly (no shell: every argument reaches it as given, newlines and all)
/// in the C.UTF-8 locale, so messages are English and output is UTF-8.
/// </summary>
public static class ProcessRunner
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static Process Start(string program, IEnumerable<string> args, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? "/",
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LC_ALL"] = "C.UTF-8";
        start.Environment.Remove("LANG");
        start.Environment.Remove("LANGUAGE");
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        process.StandardInput.Close();
        return process;
    }

    public static ProcessResult Finish(Process process, string command)
    {
        using (process)
        {
            var stdout = new MemoryStream();
            Task copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{command} did not finish within {Timeout.TotalSeconds} s");
            }

            Task.WaitAll(copy, stderr);
            return new ProcessResult(command, process.ExitCode, stdout.ToArray(), stderr.Result);
        }
    }

    public static ProcessResult Run(string program, params IEnumerable<string> args)
    {
        var list = args.ToList();
        return Finish(Start(program, list), Describe(program, list));
    }

    public static string Describe(string program, IEnumerable<string> args) =>
        string.Join(' ', new[] { program }.Concat(args.Select(a => a.Replace("\n", "\\n"))));
}
