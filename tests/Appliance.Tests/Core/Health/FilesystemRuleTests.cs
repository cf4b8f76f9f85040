using Appliance.Core.Health;

namespace Appliance.Tests.Core.Health;

public sealed class FilesystemRuleTests
{
    private const ulong MiB = 1 << 20;
    private static readonly FilesystemSettings Data = new("data", Path: "/data", MinFreeMiB: 100, MinFreePercent: 10);

    [Fact]
    public void Evaluate_EnoughSpaceAndWritable_Passes()
    {
        CheckOutcome o = FilesystemRule.Evaluate(new FilesystemUsage(1000 * MiB, 500 * MiB, 450 * MiB, false, null), Data);

        Assert.Equal(CheckOutcome.Pass("/data: 450 MiB free (47.4%)"), o);
    }

    [Fact]
    public void Evaluate_RootReserveOnly_CountsAsFull()
    {
        // df's arithmetic: 50 MiB reserved for root is not free for services.
        CheckOutcome o = FilesystemRule.Evaluate(new FilesystemUsage(1000 * MiB, 50 * MiB, 0, false, null), Data);

        Assert.Equal("/data: 0 MiB free (0.0%): below MinFreeMiB=100, below MinFreePercent=10", o.Output);
    }

    [Fact]
    public void Evaluate_ReadOnlyMount_FailsWhenWritabilityChecked()
    {
        var usage = new FilesystemUsage(1000 * MiB, 500 * MiB, 500 * MiB, true, null);

        Assert.Equal(CheckResult.Fail, FilesystemRule.Evaluate(usage, Data).Result);
        Assert.Contains("mounted read-only", FilesystemRule.Evaluate(usage, Data).Output);
        Assert.Equal(CheckResult.Pass, FilesystemRule.Evaluate(usage, Data with { WriteProbe = false }).Result);
    }

    [Fact]
    public void Evaluate_ProbeFailed_FailsWithReason()
    {
        CheckOutcome o = FilesystemRule.Evaluate(new FilesystemUsage(1000 * MiB, 500 * MiB, 500 * MiB, false, "No space left on device"), Data);

        Assert.EndsWith("write probe failed: No space left on device", o.Output);
    }
}
