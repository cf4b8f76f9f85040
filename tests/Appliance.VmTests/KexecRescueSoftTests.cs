using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 16: a panicking trial goes through the rescue kernel to known-good by kexec, with no firmware pass in between and known-good seeing all the RAM. Real GRUB, real kexec (tools/vm).</summary>
public sealed class KexecRescueSoftTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.KexecRescueSoft)]
    public async Task RescueByKexec_TrialPanics_KnownGoodWithoutFirmwarePassAndWithAllItsMemory()
    {
        await using var board = Boards.Create(BoardScenarios.KexecRescueSoft, output);

        var result = await BoardScenarios.RunAsync(BoardScenarios.KexecRescueSoft, board, output.WriteLine);

        Assert.Equal(1, result.Boots);
        Assert.True(long.Parse(result.Observed["good_memtotal_kb"], System.Globalization.CultureInfo.InvariantCulture) >= BoardScenarios.FullMemoryKb);
    }
}
