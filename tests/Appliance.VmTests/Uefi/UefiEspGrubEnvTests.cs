using Appliance.Vm;

namespace Appliance.VmTests.Uefi;

/// <summary>Issue 15 (d): grubenv on the EFI system partition (Fedora's layout) on the Secure Boot board survives a trial commit.</summary>
public sealed class UefiEspGrubEnvTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.UefiEspGrubEnv)]
    public async Task UefiEspGrubEnv_FedoraLinksIntoEsp_TrialCommittedOnTheFatFileAndBootsAsDefault()
    {
        await using var board = Boards.CreateUefi(BoardScenarios.UefiEspGrubEnv, output);

        var result = await BoardScenarios.EspGrubEnvSurvivesCommitAsync(board, output.WriteLine);

        Assert.Equal("trial", result.Observed["grubenv_on_esp_saved_entry"]);
        Assert.Equal("trial", result.Observed["third_boot_entry"]);
        Assert.Equal("grub.cfg grubenv", result.Observed["esp_files"]);
        Assert.Equal(3, result.Boots);
    }
}
