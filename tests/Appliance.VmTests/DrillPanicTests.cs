using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Issue 17: `appliance drill panic` on the busybox board returns to the same kernel and records the time. Real GRUB, real kexec, real panic (tools/vm).</summary>
public sealed class DrillPanicTests(ITestOutputHelper output)
{
    [Fact(Timeout = Boards.ScenarioTimeoutMs)]
    [Trait("Scenario", BoardScenarios.DrillPanic)]
    public async Task DrillPanic_IdleCanary_BackOnTheSameEntryWithTheTimeRecorded()
    {
        await using var board = Boards.Create(BoardScenarios.DrillPanic, output);

        var result = await BoardScenarios.DrillPanicAsync(board, output.WriteLine);

        Assert.Equal("passed", result.Observed["result"]);
        Assert.True(double.Parse(result.Observed["healthy_after_sec"], System.Globalization.CultureInfo.InvariantCulture) > 0);
    }
}
