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
        int code = new ApplianceApp(output, error, time, steps).Run(args);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}
