using System.Globalization;
using Appliance.Core.Health;
using Appliance.Linux.Native;

namespace Appliance.Linux.Health;

/// <summary>
/// A program in <c>checks.d/required.d</c> or <c>checks.d/wanted.d</c>, run without arguments:
/// exit status 0 passes, anything else fails, as in greenboot.
/// </summary>
public sealed class ExecutableCheck(string path, CheckKind kind) : IHealthCheck
{
    public string Path { get; } = path;

    public string Name { get; } = System.IO.Path.GetFileName(path);

    public CheckKind Kind { get; } = kind;

    public bool Required => Kind == CheckKind.Required;

    public CheckOutcome Evaluate(HealthCheckContext context)
    {
        ProcessGroupResult result;
        try
        {
            result = context.Processes.Run(Path, [], ProcessGroupRunner.Environment(context.Root), context.Timeout, context.Cancellation);
        }
        catch (SystemError e)
        {
            return CheckOutcome.Error(e.Message);
        }

        if (result.TimedOut)
        {
            return new CheckOutcome(
                CheckResult.Timeout,
                Join(result.Output, string.Create(CultureInfo.InvariantCulture, $"[appliance: killed with its process group after {context.Timeout.TotalSeconds:0.###} s]")));
        }

        return (result.ExitCode, result.Signal) switch
        {
            (0, _) => new CheckOutcome(CheckResult.Pass, result.Output, 0),
            ({ } code, _) => new CheckOutcome(CheckResult.Fail, result.Output, code),
            (null, { } signal) => CheckOutcome.Fail(Join(result.Output, $"[appliance: killed by signal {signal}]")),
            _ => CheckOutcome.Error(Join(result.Output, "[appliance: the exit status was lost]")),
        };
    }

    private static string Join(string output, string note) => output.Length == 0 || output.EndsWith('\n') ? output + note : $"{output}\n{note}";
}

/// <summary>A check that must not run (an untrusted file, an unreadable directory): it reports why, as an error.</summary>
public sealed class RefusedCheck(string name, CheckKind kind, bool required, string reason) : IHealthCheck
{
    public string Name { get; } = name;

    public CheckKind Kind { get; } = kind;

    public bool Required { get; } = required;

    public CheckOutcome Evaluate(HealthCheckContext context) => CheckOutcome.Error(reason);
}
