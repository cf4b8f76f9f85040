using Appliance.Core.Health;

namespace Appliance.Tests.Core.Health;

public sealed class FileDescriptorRuleTests
{
    [Fact]
    public void Parse_FileNr_TabSeparated()
    {
        Assert.Equal(new FileHandles(1856, 0, 9223372036854775807), FileDescriptorRule.Parse("1856\t0\t9223372036854775807\n"));
    }

    [Fact]
    public void Evaluate_HugeFileMax_PassesWithoutOverflow()
    {
        CheckOutcome o = FileDescriptorRule.Evaluate(new FileHandles(1856, 0, 9223372036854775807), new FileDescriptorSettings());

        Assert.Equal(CheckResult.Pass, o.Result);
        Assert.StartsWith("1856 of 9223372036854775807 file handles in use (0%)", o.Output);
    }

    [Fact]
    public void Evaluate_AboveMaxUsedPercent_Fails()
    {
        CheckOutcome o = FileDescriptorRule.Evaluate(new FileHandles(950, 0, 1000), new FileDescriptorSettings());

        Assert.Equal(new CheckOutcome(CheckResult.Fail, "950 of 1000 file handles in use (95%): at or above MaxUsedPercent=90"), o);
    }

    /// <summary>The validator's check and the daemon's fds probe once differed here (> against >=); the stricter holds.</summary>
    [Fact]
    public void Evaluate_ExactlyAtMaxUsedPercent_Fails()
    {
        Assert.Equal(CheckResult.Fail, FileDescriptorRule.Evaluate(new FileHandles(900, 0, 1000), new FileDescriptorSettings()).Result);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("1 0 0")]
    [InlineData("1 0")]
    [InlineData("1 0 100 7")]
    [InlineData("-1 0 100")]
    public void Parse_NotThreeNumbersWithAMaximum_IsNull(string text)
    {
        Assert.Null(FileDescriptorRule.Parse(text));
    }

    [Fact]
    public void Evaluate_UnusedHandles_NotCounted()
    {
        Assert.Equal(CheckResult.Pass, FileDescriptorRule.Evaluate(new FileHandles(950, 100, 1000), new FileDescriptorSettings()).Result);
    }
}
