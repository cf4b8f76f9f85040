using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 17: a kernel build rolled back once is quarantined; staging it again is refused (78) until --force. Real GRUB, real agent, real kernel (tools/vm).</summary>
public sealed class TrialQuarantinedTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.TrialQuarantined)]
    public async Task RolledBackKernel_StagedAgain_RefusedUntilForced()
    {
        await using var board = Boards.Create(BoardScenarios.TrialQuarantined, output);

        var result = await BoardScenarios.RolledBackKernelQuarantinedAsync(board, output.WriteLine);

        Assert.Equal("78", result.Observed["refused_rc"]);
        Assert.Equal("0", result.Observed["forced_rc"]);
    }
}
