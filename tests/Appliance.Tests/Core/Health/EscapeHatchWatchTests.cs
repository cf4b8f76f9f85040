using Appliance.Core.Health;

namespace Appliance.Tests.Core.Health;

/// <summary>What the daemon logs between two looks at the escape hatch.</summary>
public sealed class EscapeHatchWatchTests
{
    private static EscapeHatchFinding Present(string id) => new(id, CheckOutcome.Fail($"{id} is broken"));

    private static EscapeHatchFinding Fine(string id) => new(id, CheckOutcome.Pass(""));

    [Fact]
    public void Changes_FirstLook_EveryPresentFindingAppears()
    {
        var (appeared, cleared) = EscapeHatchWatch.Changes([], [Present("a"), Fine("b"), Present("c")]);

        Assert.Equal(["a", "c"], appeared.Select(f => f.Id));
        Assert.Empty(cleared);
    }

    [Fact]
    public void Changes_SameFindingsAgain_NothingToLog()
    {
        var (appeared, cleared) = EscapeHatchWatch.Changes(["a"], [Present("a"), Fine("b")]);

        Assert.Empty(appeared);
        Assert.Empty(cleared);
    }

    [Fact]
    public void Changes_OneFixedOneNew_BothReported()
    {
        var (appeared, cleared) = EscapeHatchWatch.Changes(["a"], [Fine("a"), Present("b")]);

        Assert.Equal(["b"], appeared.Select(f => f.Id));
        Assert.Equal(["a"], cleared);
    }

    [Fact]
    public void Lines_PresentOnly_IdAndSentence()
    {
        Assert.Equal(["a: a is broken"], EscapeHatchWatch.Lines([Present("a"), Fine("b"), new("n", CheckOutcome.NotApplicable("does not apply"))]));
    }
}
