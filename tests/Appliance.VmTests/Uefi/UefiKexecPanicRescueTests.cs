using Appliance.Vm;

namespace Appliance.VmTests.Uefi;

/// <summary>Issue 15: issue 6's kexec rescue on the Secure Boot board: the validator arms Debian's signed kernel with kexec_file_load under lockdown; the panicking trial lands in known-good through the rescue kernel.</summary>
public sealed class UefiKexecPanicRescueTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.KexecPanicRescue)]
    public async Task UefiKexecFailover_TrialPanicsUnderLockdown_SignedRescueKernelRollsBackAndStatusNamesPanic()
    {
        await using var board = Boards.CreateUefi(BoardScenarios.KexecPanicRescue, output);

        var result = await BoardScenarios.KexecPanicRescueUnderLockdownAsync(board, output.WriteLine);

        Assert.Contains(result.Observed["lockdown"], new[] { "integrity", "confidentiality" });
        Assert.Equal("1", result.Observed["crash_loaded_before_panic"]);
        Assert.Contains(BoardScenarios.SysrqPanic, result.Observed["rollback"]);
        Assert.Equal(2, result.Boots);
    }
}
