using Appliance.Core.Health;
using Appliance.Core.Watchdog;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Watchdog;

/// <summary>The daemon's escape-hatch self-test: findings are logged and listed in state.json, and never stop the petting.</summary>
public sealed class EscapeHatchReportTests
{
    private static WatchdogSettings Fast() => new()
    {
        Interval = TimeSpan.FromMilliseconds(50),
        CheckInterval = TimeSpan.FromMilliseconds(100),
        CheckTimeout = TimeSpan.FromSeconds(1),
        Grace = TimeSpan.FromMilliseconds(300),
        BuiltinChecks = [],
    };

    private static readonly EscapeHatchFinding NoReservation =
        new(EscapeHatch.ReservationId, CheckOutcome.Fail("no crash reservation: a panicking trial cannot reach the rescue kernel; add crashkernel=256M"));

    [Fact]
    public void Run_FindingPresent_LoggedListedAndPettingGoesOn()
    {
        var target = new RecordingTarget();
        var platform = new FakePlatform([target], _ => []) { EscapeHatchFindings = [NoReservation, new(EscapeHatch.GrubenvId, CheckOutcome.Pass("grubenv is on ext4"))] };
        using var h = new DaemonHarness(Fast, platform).Start();

        h.WaitFor(() => h.Files.ReadState() is { EscapeHatch.Count: 1 }, "state.json listing the finding");
        int before = target.PetCount;
        h.WaitFor(() => target.PetCount >= before + 5, "pets after the finding");
        var state = h.Files.ReadState()!;
        h.Stop();

        Assert.Equal(["crash-reservation: no crash reservation: a panicking trial cannot reach the rescue kernel; add crashkernel=256M"], state.EscapeHatch);
        Assert.Equal("healthy", state.Gate);
        Assert.Contains("appliance: escape hatch: no crash reservation: a panicking trial cannot reach the rescue kernel; add crashkernel=256M (reported only; petting goes on)", h.Log.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, platform.EscapeHatchLooks);
    }

    [Fact]
    public void Run_NoFinding_NothingLoggedAndStateEmpty()
    {
        var platform = new FakePlatform([new RecordingTarget()], _ => []);
        using var h = new DaemonHarness(Fast, platform).Start();

        h.WaitFor(() => h.Files.ReadState() is not null, "state.json");
        var state = h.Files.ReadState()!;
        h.Stop();

        Assert.Empty(state.EscapeHatch);
        Assert.DoesNotContain("escape hatch", h.Log.ToString(), StringComparison.Ordinal);
    }
}
