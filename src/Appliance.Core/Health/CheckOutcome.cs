namespace Appliance.Core.Health;

/// <summary>What a check decided, before the runner adds its name, kind and duration.</summary>
public sealed record CheckOutcome(CheckResult Result, string Output, int? ExitCode = null)
{
    public static CheckOutcome Pass(string output) => new(CheckResult.Pass, output);

    public static CheckOutcome Fail(string output) => new(CheckResult.Fail, output);

    public static CheckOutcome Error(string output) => new(CheckResult.Error, output);

    public static CheckOutcome NotApplicable(string output) => new(CheckResult.NotApplicable, output);
}
