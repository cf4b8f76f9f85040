using Appliance.Core.Health;

namespace Appliance.Tests.Core.Health;

public sealed class SystemdStateRuleTests
{
    [Theory]
    [InlineData("running\n", CheckResult.Pass)]
    [InlineData("starting\n", CheckResult.Pass)]
    [InlineData("initializing\n", CheckResult.Pass)]
    [InlineData("degraded\n", CheckResult.Fail)]
    [InlineData("maintenance\n", CheckResult.Fail)]
    [InlineData("stopping\n", CheckResult.Fail)]
    [InlineData("Failed to connect to bus: No such file or directory\noffline\n", CheckResult.Fail)]
    [InlineData("", CheckResult.Error)]
    public void Evaluate_State_Maps(string output, CheckResult expected)
    {
        Assert.Equal(expected, SystemdStateRule.Evaluate(booted: true, output, new SystemdStateSettings()).Result);
    }

    [Fact]
    public void Evaluate_DegradedAllowed_Passes()
    {
        Assert.Equal(CheckResult.Pass, SystemdStateRule.Evaluate(true, "degraded", new SystemdStateSettings(AllowDegraded: true)).Result);
    }

    [Fact]
    public void Evaluate_NotBooted_NotApplicable()
    {
        Assert.Equal(CheckResult.NotApplicable, SystemdStateRule.Evaluate(false, "", new SystemdStateSettings()).Result);
    }

    [Fact]
    public void ParseState_MessagesBeforeState_FindsState()
    {
        Assert.Equal("offline", SystemdStateRule.ParseState("System has not been booted with systemd\noffline\n"));
    }
}
