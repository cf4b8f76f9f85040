using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 17: a trial that fails a check two minutes after boot, inside a 300 s stability window, is rolled back, not committed. Real GRUB, real agent (tools/vm).</summary>
public sealed class TrialStabilityTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.TrialStability)]
    public async Task TrialFailingInsideWindow_Validated_RolledBackNotCommitted()
    {
        await using var board = Boards.Create(BoardScenarios.TrialStability, output);

        var result = await BoardScenarios.TrialFailingInsideStabilityWindowAsync(board, output.WriteLine);

        Assert.Contains("stability window", result.Observed["rollback"]);
    }
}
