using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 6: a panicking trial takes the kexec path: rescue kernel, forensics, known-good.</summary>
public sealed class KexecPanicRescueTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.KexecPanicRescue)]
    public async Task KexecFailover_TrialPanicsWhileValidated_RescueKernelRollsBackAndStatusNamesPanic()
    {
        await using var board = Boards.Create(BoardScenarios.KexecPanicRescue, output);

        var result = await BoardScenarios.RunAsync(BoardScenarios.KexecPanicRescue, board, output.WriteLine);

        Assert.Equal("1", result.Observed["crash_loaded_before_panic"]);
        Assert.Contains(BoardScenarios.SysrqPanic, result.Observed["rollback"]);
        Assert.Equal(2, result.Boots);
    }
}
