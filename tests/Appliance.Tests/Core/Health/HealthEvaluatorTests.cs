using System.Text.Json;
using Appliance.Core.Health;
using Appliance.Core.Json;

namespace Appliance.Tests.Core.Health;

public sealed class HealthEvaluatorTests
{
    private static CheckRecord Record(string name, CheckResult result, bool required = true, CheckKind? kind = null, string output = "") => new()
    {
        Name = name,
        Kind = kind ?? (required ? CheckKind.Required : CheckKind.Wanted),
        Required = required,
        Result = result,
        Output = output,
    };

    [Fact]
    public void Evaluate_NoChecks_Healthy()
    {
        HealthReport report = HealthEvaluator.Evaluate([]);

        Assert.True(report.Healthy);
        Assert.Empty(report.Failures);
        Assert.Empty(report.Warnings);
    }

    [Theory]
    [InlineData(CheckResult.Fail)]
    [InlineData(CheckResult.Timeout)]
    [InlineData(CheckResult.Error)]
    public void Evaluate_RequiredFailureOfAnyKind_Unhealthy(CheckResult result)
    {
        HealthReport report = HealthEvaluator.Evaluate([Record("a", CheckResult.Pass), Record("b", result, output: "disk on fire")]);

        Assert.False(report.Healthy);
        Assert.Equal("disk on fire", Assert.Single(report.Failures).Output);
    }

    [Theory]
    [InlineData(CheckResult.Fail)]
    [InlineData(CheckResult.Timeout)]
    [InlineData(CheckResult.Error)]
    public void Evaluate_WantedFailure_HealthyWithWarning(CheckResult result)
    {
        HealthReport report = HealthEvaluator.Evaluate([Record("w", result, required: false)]);

        Assert.True(report.Healthy);
        Assert.Equal("w", Assert.Single(report.Warnings).Name);
        Assert.Empty(report.Failures);
    }

    [Fact]
    public void Evaluate_NotApplicable_NeitherFailureNorWarning()
    {
        HealthReport report = HealthEvaluator.Evaluate([Record("systemd", CheckResult.NotApplicable, kind: CheckKind.Builtin), Record("w", CheckResult.NotApplicable, required: false)]);

        Assert.True(report.Healthy);
        Assert.Empty(report.Failures);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void Evaluate_RequiredBuiltin_FailsLikeRequiredScript()
    {
        Assert.False(HealthEvaluator.Evaluate([Record("memory", CheckResult.Fail, kind: CheckKind.Builtin)]).Healthy);
        Assert.True(HealthEvaluator.Evaluate([Record("memory", CheckResult.Fail, required: false, kind: CheckKind.Builtin)]).Healthy);
    }

    [Fact]
    public void Evaluate_KeepsOrder()
    {
        HealthReport report = HealthEvaluator.Evaluate([Record("z", CheckResult.Pass), Record("a", CheckResult.Fail), Record("m", CheckResult.Pass)]);

        Assert.Equal(["z", "a", "m"], report.Checks.Select(c => c.Name));
    }

    [Fact]
    public void Describe_FailuresThenWarnings_WithLastOutputLine()
    {
        HealthReport report = HealthEvaluator.Evaluate(
        [
            Record("w", CheckResult.Fail, required: false, output: "x\n"),
            Record("r", CheckResult.Timeout, output: "starting\nstill waiting for db\n"),
            Record("ok", CheckResult.Pass),
        ]);

        Assert.Equal(["FAIL required check r: timed out: still waiting for db", "WARN wanted check w: failed: x"], HealthEvaluator.Describe(report));
    }

    [Fact]
    public void Json_HasTheJournalShape()
    {
        HealthReport report = HealthEvaluator.Evaluate(
        [
            new CheckRecord { Name = "10-db", Kind = CheckKind.Required, Required = true, Result = CheckResult.Fail, ExitCode = 3, DurationMs = 12, Output = "no db" },
            new CheckRecord { Name = "systemd", Kind = CheckKind.Builtin, Required = true, Result = CheckResult.NotApplicable, Output = "no systemd" },
            new CheckRecord { Name = "w", Kind = CheckKind.Wanted, Required = false, Result = CheckResult.Timeout },
        ]);

        string json = JsonSerializer.Serialize(report, ApplianceJsonContext.Default.HealthReport);

        Assert.Equal(
            """{"healthy":false,"checks":[{"name":"10-db","kind":"required","required":true,"result":"fail","exit_code":3,"duration_ms":12,"output":"no db"},"""
            + """{"name":"systemd","kind":"builtin","required":true,"result":"n/a","exit_code":null,"duration_ms":0,"output":"no systemd"},"""
            + """{"name":"w","kind":"wanted","required":false,"result":"timeout","exit_code":null,"duration_ms":0,"output":""}]}""",
            json);
        HealthReport back = JsonSerializer.Deserialize(json, ApplianceJsonContext.Default.HealthReport)!;
        Assert.Equal(report.Checks, back.Checks);
        Assert.Equal(report.Healthy, back.Healthy);
    }
}
