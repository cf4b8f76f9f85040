using Appliance.Cli;
using Appliance.Linux.Files;

namespace Appliance.Tests.Support;

/// <summary>What one in-process run of the CLI printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}; stdout: {Stdout}; stderr: {Stderr}";
}

/// <summary>Runs <see cref="ApplianceApp"/> in-process with captured output, a fake clock and chosen file steps.</summary>
public static class InProcessCli
{
    public static CliResult Run(params string[] args) => Run(LinuxFileSteps.Instance, new FakeTimeProvider(), args);

    public static CliResult Run(IFileSteps steps, params string[] args) => Run(steps, new FakeTimeProvider(), args);

    public static CliResult Run(IFileSteps steps, TimeProvider time, params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        int code = new ApplianceApp(output, error, time, steps, _ => new RefusingRebooter()).Run(args);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}

/// <summary>
/// What in-process runs reboot with: never the machine running the tests. A command that gets
/// this far has passed the running-system guard with a test's root, which is a bug.
/// </summary>
public sealed class RefusingRebooter : Appliance.Linux.Kernel.IRebooter
{
    public void Reboot(string reason) => throw new InvalidOperationException($"a test run tried to reboot the machine ({reason})");
}
