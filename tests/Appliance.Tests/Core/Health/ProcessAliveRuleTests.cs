using Appliance.Core.Health;

namespace Appliance.Tests.Core.Health;

public sealed class ProcessAliveRuleTests
{
    private static readonly ProcessAliveSettings App = new("app", PidFile: "/run/app.pid");

    private static CheckOutcome Run(string? pidFile, string? stat) => ProcessAliveRule.Evaluate(pidFile, pid => pid == 42 ? stat : null, App);

    [Fact]
    public void Evaluate_SleepingProcess_Passes()
    {
        Assert.Equal(CheckOutcome.Pass("process 42 from /run/app.pid is alive (state S)"), Run("42\n", "42 (app) S 1 42 42 0"));
    }

    [Fact]
    public void Evaluate_CommandNameWithParenthesesAndSpaces_StateAfterLastParenthesis()
    {
        Assert.Equal(CheckResult.Fail, Run("42", "42 (evil) R (x) Z 1 42").Result);
    }

    [Fact]
    public void Evaluate_Zombie_Fails()
    {
        Assert.Equal(CheckOutcome.Fail("process 42 from /run/app.pid is a zombie"), Run("42", "42 (app) Z 1 42"));
    }

    [Fact]
    public void Evaluate_NoSuchProcess_Fails()
    {
        Assert.Equal(CheckOutcome.Fail("process 42 from /run/app.pid is not running"), Run("42", null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("0")]
    public void Evaluate_PidFileWithoutPid_Fails(string text)
    {
        Assert.Equal(CheckOutcome.Fail("/run/app.pid: does not hold a process id"), Run(text, null));
    }

    [Fact]
    public void Evaluate_NoPidFile_Fails()
    {
        Assert.Equal(CheckOutcome.Fail("/run/app.pid: does not exist"), Run(null, null));
    }
}
