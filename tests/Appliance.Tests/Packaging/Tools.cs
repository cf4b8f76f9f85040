using System.Diagnostics;
using Appliance.Tests.Support;

namespace Appliance.Tests.Packaging;

/// <summary>The Debian tools the packaging tests drive, and a runner with a timeout long enough for dpkg and debootstrap.</summary>
public static class Tools
{
    /// <summary>The absolute path of <paramref name="program"/> on PATH; a failure naming the Debian package when it is missing (the tests never skip).</summary>
    public static string Require(string program, string package)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':').Concat(["/usr/sbin", "/sbin"]))
        {
            string path = Path.Combine(dir, program);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new Xunit.Sdk.XunitException($"{program} is not installed: install {package} (make deps)");
    }

    public static void RequireRoot(string why)
    {
        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("USER") != "root" && !IsEuidZero())
        {
            throw new Xunit.Sdk.XunitException($"these tests need root ({why}); run them as root, as make test does");
        }
    }

    /// <summary>Runs a program directly (no shell), failing the test when it takes longer than <paramref name="timeout"/>.</summary>
    public static ProcessResult Run(TimeSpan timeout, string program, params IEnumerable<string> args)
    {
        var list = args.ToList();
        string command = ProcessRunner.Describe(program, list);
        using Process process = ProcessRunner.Start(program, list);
        var stdout = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"{command} did not finish within {timeout.TotalSeconds} s");
        }

        Task.WaitAll(copy, stderr);
        return new ProcessResult(command, process.ExitCode, stdout.ToArray(), stderr.Result);
    }

    public static ProcessResult Ok(ProcessResult result) =>
        result.ExitCode == 0 ? result : throw new Xunit.Sdk.XunitException($"expected success: {result}; stdout: {result.StdoutText}");

    private static bool IsEuidZero() =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal)) is { } line
        && line.Split('\t', StringSplitOptions.RemoveEmptyEntries) is [_, _, "0", ..];
}
