using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 4: a trial whose kernel is missing falls back to known-good on its first boot. Real GRUB, real grub/appliance.cfg, real agent (tools/vm).</summary>
public sealed class TrialKernelMissingTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.TrialKernelMissing)]
    public async Task TrialKernelMissing_FirstBoot_GrubFallsBackAndValidatorEndsTrial()
    {
        await using var board = Boards.Create(BoardScenarios.TrialKernelMissing, output);

        var result = await BoardScenarios.TrialKernelMissingFallsBackAsync(board, output.WriteLine);

        Assert.Equal("good", result.Observed["first_boot_entry"]);
        Assert.Equal("fell-back", result.Observed["validator_path"]);
        Assert.Equal("normal", result.Observed["next_boot_path"]);
        Assert.Equal(2, result.Boots);
    }
}
