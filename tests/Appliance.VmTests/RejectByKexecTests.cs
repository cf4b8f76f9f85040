using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 16: a rejected trial goes back to known-good by kexec, with no firmware pass between the rejection and known-good's userspace. Real GRUB, real kexec (tools/vm).</summary>
public sealed class RejectByKexecTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.RejectByKexec)]
    public async Task SickTrial_RejectByKexec_KnownGoodWithoutFirmwarePass()
    {
        await using var board = Boards.Create(BoardScenarios.RejectByKexec, output);

        var result = await BoardScenarios.RejectedTrialByKexecAsync(board, output.WriteLine);

        Assert.True(result.Observed.ContainsKey("kexec_to_good_userspace_s"));
    }
}
