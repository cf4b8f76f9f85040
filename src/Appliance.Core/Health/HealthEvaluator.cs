namespace Appliance.Core.Health;

/// <summary>Turns check results into the boot's verdict.</summary>
public static class HealthEvaluator
{
    /// <summary>
    /// Healthy when no required check failed, timed out or errored. No checks at all is healthy
    /// (greenboot: nothing required, nothing to fail); not-applicable checks count either way.
    /// The order of <paramref name="checks"/> is kept.
    /// </summary>
    public static HealthReport Evaluate(IEnumerable<CheckRecord> checks)
    {
        var list = new List<CheckRecord>(checks);
        return new HealthReport { Healthy = !list.Exists(c => c.Required && c.Failed), Checks = list };
    }

    /// <summary>One line per failure and warning, for a log or the console.</summary>
    public static IEnumerable<string> Describe(HealthReport report)
    {
        foreach (CheckRecord c in report.Failures)
        {
            yield return $"FAIL {c.Kind.ToString().ToLowerInvariant()} check {c.Name}: {Summary(c.Result, c.Output)}";
        }

        foreach (CheckRecord c in report.Warnings)
        {
            yield return $"WARN {c.Kind.ToString().ToLowerInvariant()} check {c.Name}: {Summary(c.Result, c.Output)}";
        }
    }

    /// <summary>How a result reads in a sentence: "failed", "timed out", "could not run".</summary>
    public static string Label(CheckResult result) => result switch
    {
        CheckResult.Fail => "failed",
        CheckResult.Timeout => "timed out",
        CheckResult.Error => "could not run",
        _ => result.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// A check's last non-blank output line, trimmed, cut at <paramref name="maxLength"/>: a
    /// failing script says why last. Empty when it printed nothing.
    /// </summary>
    public static string LastLine(string output, int maxLength = int.MaxValue)
    {
        string line = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is [.., var last] ? last : "";
        return line.Length > maxLength ? line[..maxLength] : line;
    }

    /// <summary>"failed: last line" (or "timed out", "could not run"), the line cut at <paramref name="maxLength"/>.</summary>
    public static string Summary(CheckResult result, string output, int maxLength = int.MaxValue) =>
        LastLine(output, maxLength) is { Length: > 0 } line ? $"{Label(result)}: {line}" : Label(result);
}
