using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 6: disarm unloads the crash kernel.</summary>
public sealed class KexecDisarmTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.KexecDisarm)]
    public async Task KexecDisarm_AfterArm_ExitsZeroAndUnloadsCrashKernel()
    {
        await using var board = Boards.Create(BoardScenarios.KexecDisarm, output);

        var result = await BoardScenarios.RunAsync(BoardScenarios.KexecDisarm, board, output.WriteLine);

        Assert.Equal("1", result.Observed["crash_loaded_after_arm"]);
        Assert.Equal("0", result.Observed["disarm_rc"]);
        Assert.Equal("0", result.Observed["crash_loaded_after_disarm"]);
    }
}
