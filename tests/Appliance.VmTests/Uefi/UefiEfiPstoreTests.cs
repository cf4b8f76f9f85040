using Appliance.Vm;

namespace Appliance.VmTests.Uefi;

/// <summary>Issue 15: a panic with no crash kernel on the Secure Boot board is kept by efi-pstore, and known-good's validator names it and frees the EFI variables.</summary>
public sealed class UefiEfiPstoreTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.UefiEfiPstore)]
    public async Task UefiPanicWithoutCrashKernel_LogKeptInEfiPstore_KnownGoodNamesThePanicAndFreesTheRecords()
    {
        await using var board = Boards.CreateUefi(BoardScenarios.UefiEfiPstore, output);

        var result = await BoardScenarios.EfiPstoreForensicsAsync(board, output.WriteLine);

        Assert.Contains("dmesg-efi-", result.Observed["records"]);
        Assert.Contains(BoardScenarios.SysrqPanic, result.Observed["rollback"]);
        Assert.Equal(2, result.Boots);
    }
}
