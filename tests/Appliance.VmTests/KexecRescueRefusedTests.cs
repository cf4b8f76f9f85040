using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 16: when the rescue's soft kexec is refused (kexec loads disabled), it falls back to the firmware reboot, still ends on known-good, and says why in its journal record.</summary>
public sealed class KexecRescueRefusedTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.KexecRescueRefused)]
    public async Task RescueByKexec_KexecLoadDisabledInRescue_FirmwareRebootIntoKnownGoodAndJournalSaysWhy()
    {
        await using var board = Boards.Create(BoardScenarios.KexecRescueRefused, output);

        var result = await BoardScenarios.RunAsync(BoardScenarios.KexecRescueRefused, board, output.WriteLine);

        Assert.Equal(2, result.Boots);
        Assert.Contains("kexec_load_disabled", result.Observed["rescue_record"]);
    }
}
