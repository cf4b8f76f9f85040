using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 6: arming without a crash reservation is refused with the fix.</summary>
public sealed class KexecNoReservationTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.KexecNoReservation)]
    public async Task KexecArm_KernelWithoutCrashkernel_Exits78NamingCrashkernelAndStaysUnloaded()
    {
        await using var board = Boards.Create(BoardScenarios.KexecNoReservation, output);

        var result = await BoardScenarios.RunAsync(BoardScenarios.KexecNoReservation, board, output.WriteLine);

        Assert.Equal("78", result.Observed["arm_rc"]);
        Assert.Equal("0", result.Observed["crash_loaded_after_arm"]);
    }
}
