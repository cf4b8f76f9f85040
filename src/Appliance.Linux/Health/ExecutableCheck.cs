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

    public bool MayBlock => true;

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

        return result.Judge(context.Timeout);
    }
}

/// <summary>A check that must not run (an untrusted file, an unreadable directory): it reports why, as an error.</summary>
public sealed class RefusedCheck(string name, CheckKind kind, bool required, string reason) : IHealthCheck
{
    public string Name { get; } = name;

    public CheckKind Kind { get; } = kind;

    public bool Required { get; } = required;

    public bool MayBlock => false;

    public CheckOutcome Evaluate(HealthCheckContext context) => CheckOutcome.Error(reason);
}
