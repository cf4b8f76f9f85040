using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 6: an oops with panic_on_oops (applied by the validator) takes the kexec path: rescue kernel, rollback, known-good.</summary>
public sealed class KexecOopsPanicOnOopsTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.KexecOopsPanicOnOops)]
    public async Task KexecOopsPanicOnOops_TrialOopsesWithPanicOnOops_RescueKernelRollsBackAndStatusNamesTheOops()
    {
        await using var board = Boards.Create(BoardScenarios.KexecOopsPanicOnOops, output);

        var result = await BoardScenarios.RunAsync(BoardScenarios.KexecOopsPanicOnOops, board, output.WriteLine);

        Assert.Equal("1", result.Observed["crash_loaded_before_panic"]);
        Assert.Equal("1", result.Observed["panic_on_oops"]);
        Assert.Contains(BoardScenarios.NullDereference, result.Observed["oops"]);
        var rollback = result.Observed["rollback"];
        Assert.True(
            rollback.Contains("NULL pointer dereference", StringComparison.Ordinal) || rollback.Contains("Fatal exception", StringComparison.Ordinal),
            $"status rollback should name the oops: \"{rollback}\"");
        Assert.Equal(2, result.Boots);
    }
}
