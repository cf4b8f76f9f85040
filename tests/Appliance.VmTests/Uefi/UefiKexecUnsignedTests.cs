using Appliance.Vm;

namespace Appliance.VmTests.Uefi;

/// <summary>Issue 15: under lockdown, `appliance kexec arm` of a kernel the running kernel cannot verify is refused with exit 78 and the reason, and leaves nothing loaded.</summary>
public sealed class UefiKexecUnsignedTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.UefiKexecUnsigned)]
    public async Task UefiKexecArm_UnsignedKernelUnderLockdown_Exits78NamingLockdownAndStaysUnloaded()
    {
        await using var board = Boards.CreateUefi(BoardScenarios.UefiKexecUnsigned, output);

        var result = await BoardScenarios.KexecUnsignedRefusedAsync(board, output.WriteLine);

        Assert.Equal("78", result.Observed["arm_rc"]);
        Assert.Equal("0", result.Observed["crash_loaded_after_arm"]);
        Assert.Contains("signature", result.Observed["message"]);
    }
}
