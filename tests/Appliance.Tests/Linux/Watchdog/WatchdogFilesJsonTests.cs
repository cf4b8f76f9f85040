using Appliance.Core.Watchdog;
using Appliance.Linux.Files;
using Appliance.Linux.Watchdog;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Watchdog;

/// <summary>
/// Issue 14: the daemon's files are written snake_case, and the camelCase files the previous
/// release wrote are still read: a package upgrade restarts the daemon, which reads the
/// last-stop.json the old one left, and <c>watchdog status</c> reads the old daemon's state.json.
/// </summary>
public sealed class WatchdogFilesJsonTests : IDisposable
{
    private const string Boot = "3e6b1c1a-1111-2222-3333-444455556666";
    private static readonly DateTimeOffset At = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    private readonly TempDir _root = new();

    public void Dispose() => _root.Dispose();

    private WatchdogFiles Files => new(_root.Path, LinuxFileSteps.Instance);

    [Fact]
    public void ReadLastStop_PreviousReleaseCamelCase_ReadsEveryField()
    {
        _root.Write("var/lib/appliance/watchdog/last-stop.json",
            $$"""{"bootId":"{{Boot}}","stoppedAt":"2026-11-02T10:00:00+00:00","reason":"still unhealthy","failures":["disk"],"repair":"exit 1"}""");

        var record = Files.ReadLastStop()!;

        Assert.Equal(new LastStopRecord { BootId = Boot, StoppedAt = At, Reason = "still unhealthy", Failures = record.Failures, Repair = "exit 1" }, record);
        Assert.Equal(["disk"], record.Failures);
    }

    [Fact]
    public void ReadResetCause_PreviousReleaseCamelCase_ReadsDevicesAndBootstatus()
    {
        _root.Write("var/lib/appliance/watchdog/reset-cause.json",
            $$"""{"bootId":"{{Boot}}","recordedAt":"2026-11-02T10:00:00+00:00","cause":"watchdog reset","devices":[{"device":"/dev/watchdog0","identity":"i6300ESB timer","sysfsBootstatus":32,"ioctlBootstatus":33,"causes":["watchdog reset"]}]}""");

        var record = Files.ReadResetCause()!;

        Assert.Equal(Boot, record.BootId);
        Assert.Equal(At, record.RecordedAt);
        var device = Assert.Single(record.Devices);
        Assert.Equal((32u, 33u), (device.SysfsBootStatus, device.IoctlBootStatus));
    }

    [Fact]
    public void ReadState_PreviousReleaseCamelCase_ReadsTimesIntervalAndTargets()
    {
        _root.Write("run/appliance/watchdog/state.json",
            $$"""{"pid":42,"bootId":"{{Boot}}","updatedAt":"2026-11-02T10:00:00+00:00","lastPet":"2026-11-02T10:00:00+00:00","pets":7,"intervalMs":1000,"gate":"open","healthy":true,"failures":[],"board":"qemu-x86_64","targets":[{"name":"/dev/watchdog0","kind":"device","timeoutSeconds":10,"lastError":"EIO"}]}""");

        var state = Files.ReadState()!;

        Assert.Equal((42, Boot, At, At, 7L, 1000L), (state.Pid, state.BootId, state.UpdatedAt, state.LastPet, state.Pets, state.IntervalMs));
        var target = Assert.Single(state.Targets);
        Assert.Equal((10, "EIO"), (target.TimeoutSeconds, target.LastError));
    }

    [Fact]
    public void Write_EveryRecord_SnakeCaseOnlyAndReadsBackEqual()
    {
        var files = Files;
        var stop = new LastStopRecord { BootId = Boot, StoppedAt = At, Reason = "r", Failures = [], Repair = null };
        var cause = new ResetCauseRecord { BootId = Boot, RecordedAt = At, Cause = "c", Devices = [new DeviceResetCause { Device = "d", SysfsBootStatus = 32, IoctlBootStatus = 32, Causes = [] }] };
        var state = new WatchdogDaemonState { Pid = 1, BootId = Boot, UpdatedAt = At, LastPet = At, IntervalMs = 1000, Gate = "open", Targets = [new PetTargetState { Name = "n", Kind = "k", TimeoutSeconds = 5, LastError = "e" }] };

        files.WriteLastStop(stop);
        files.WriteResetCause(cause);
        files.WriteState(state);

        string written = File.ReadAllText(files.LastStopPath) + File.ReadAllText(files.ResetCausePath) + File.ReadAllText(files.StatePath);
        Assert.DoesNotMatch("\"[a-z]+[A-Z][A-Za-z]*\":", written);
        Assert.Contains("\"boot_id\":", written);
        Assert.Equal(stop.BootId, files.ReadLastStop()!.BootId);
        Assert.Equal(At, files.ReadResetCause()!.RecordedAt);
        Assert.Equal(32u, files.ReadResetCause()!.Devices.Single().SysfsBootStatus);
        Assert.Equal((1000L, 5), (files.ReadState()!.IntervalMs, files.ReadState()!.Targets.Single().TimeoutSeconds));
    }
}
