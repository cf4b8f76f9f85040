using Appliance.Vm;

namespace Appliance.VmTests.Debian;

/// <summary>
/// Issue 11, scenarios 5 and 7: a trial whose boot is never validated is still ended, by the
/// trial deadline (appliance-trial-deadline.service, [Boot] TrialDeadlineSec, here 100 s), not
/// by somebody rebooting it: once when start-up hangs before multi-user.target (so the validator
/// never starts), once when the validator is masked. Bound: known-good up within 6 minutes of
/// the staging reboot (deadline 100 s from power-on, then a kexec into known-good).
/// </summary>
public sealed class DebianTrialDeadlineTests(ITestOutputHelper output)
{
    private const int DeadlineSec = 100;
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(6);

    [Fact(Timeout = DebianGuest.ScenarioTimeoutMs)]
    [Trait("Board", DebianBoard.BoardName)]
    public async Task TrialHangsBeforeMultiUser_DeadlineRejectsIt_KnownGoodWithinBound()
    {
        await using var guest = await DebianGuest.StartPreparedAsync("debian-hang", output.WriteLine);
        var board = guest.Board;
        // A unit multi-user.target waits for that never finishes, on the new kernel only.
        await guest.WriteFileAsync("/etc/systemd/system/appliance-test-hang.service", $"""
            [Unit]
            Description=Never finishes on the trial kernel
            ConditionKernelVersion={DebianGuest.New}

            [Service]
            Type=oneshot
            ExecStart=/bin/sleep infinity
            TimeoutStartSec=infinity

            [Install]
            WantedBy=multi-user.target

            """);
        await guest.RunAsync("systemctl enable appliance-test-hang.service");

        var status = await TrialEndedByDeadlineAsync(guest);
        Assert.Contains("appliance-test-hang.service", status, StringComparison.Ordinal);
        Assert.True(board.Count(DebianBoard.UpMarker + " " + DebianGuest.New) == 0, "the trial should never reach multi-user.target");
    }

    [Fact(Timeout = DebianGuest.ScenarioTimeoutMs)]
    [Trait("Board", DebianBoard.BoardName)]
    public async Task ValidatorMasked_DeadlineRejectsTheTrial_KnownGoodWithinBound()
    {
        await using var guest = await DebianGuest.StartPreparedAsync("debian-no-validator", output.WriteLine);
        var board = guest.Board;
        await guest.RunAsync("systemctl mask appliance-validate.service");

        await TrialEndedByDeadlineAsync(guest);
        Assert.True(board.Count(DebianBoard.UpMarker + " " + DebianGuest.New) == 1, "the trial reaches multi-user.target once, with no validator");
    }

    /// <summary>Stages the new kernel with the deadline, reboots, and returns the rollback sentence once known-good is up.</summary>
    private static async Task<string> TrialEndedByDeadlineAsync(DebianGuest guest)
    {
        await guest.WriteFileAsync("/etc/appliance/appliance.conf.d/50-deadline.conf", $"[Boot]\nTrialDeadlineSec={DeadlineSec}\n");
        var trial = await guest.EntryPathAsync(DebianGuest.New);
        var took = await guest.StageExpectingRollbackAsync(trial, Bound);
        Assert.True(took < Bound, $"known-good took {took.TotalSeconds:F0} s");
        Assert.True(guest.Board.Count($"Linux version {DebianGuest.New}") == 1, "the trial should boot exactly once");
        // Issue 16: the deadline's rejection goes back by kexec ([Boot] RejectByKexec, on by
        // default): power-on and the staging reboot are the only firmware passes.
        Assert.Equal(2, guest.FirmwarePasses);

        var status = await guest.StatusAsync();
        Assert.Contains(status.GetProperty("boots").EnumerateArray(), b => b.GetProperty("message").GetString()?.Contains("by kexec, without a firmware pass", StringComparison.Ordinal) == true);
        string rollback = status.GetProperty("rollback").GetString() ?? "";
        Assert.Contains($"was not validated within {DeadlineSec} s of power-on", rollback, StringComparison.Ordinal);
        return rollback;
    }
}
