using Appliance.Vm;

namespace Appliance.VmTests;

public sealed class VfatGrubEnvTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.VfatGrubEnv)]
    public async Task VfatGrubEnv_FedoraSymlinkIntoEfiPartition_GuestWritesSucceedAndGrubReadsThem()
    {
        await using var board = Boards.Create(BoardScenarios.VfatGrubEnv, output);

        var result = await BoardScenarios.VfatGrubEnvAsync(board, output.WriteLine);

        Assert.Equal("0,0,0", result.Observed["guest_rcs"]);
        Assert.Equal("1024", result.Observed["size"]);
        Assert.Equal("appliance_vfat=three vfat_second=two", result.Observed["grub_editenv"]);
        Assert.Equal("grubenv", result.Observed["host_files"]);
        Assert.Equal(1, result.Boots);
    }
}
