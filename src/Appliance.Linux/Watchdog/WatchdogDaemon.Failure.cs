using Appliance.Core.Watchdog;

using Appliance.Linux.Health;

namespace Appliance.Linux.Watchdog;

/// <summary>What the daemon does when the machine stays unhealthy (the repair hook, then a deliberate stop) and what it records of the last reset.</summary>
public sealed partial class WatchdogDaemon
{
    private void StartRepair(WatchdogSettings settings, string reason)
    {
        var repair = settings.Repair!;
        _context.Log.WriteLine($"appliance: {reason}; running repair hook {repair}");
        _context.Announce?.Invoke("check-failing", $"{reason}; running the repair hook {repair}");
        _mainWake.Set();
        var thread = new Thread(() =>
        {
            var outcome = CommandRunner.Run(repair, new ProcessGroupRunner(TimeProvider.System, settings.OutputLimitBytes), settings.RepairTimeout, CancellationToken.None);
            string summary = $"{repair}: {outcome.Result.ToString().ToLowerInvariant()}{(outcome.ExitCode is { } c ? $" (exit {c})" : "")}";
            _context.Log.WriteLine($"appliance: repair hook finished: {summary}");
            lock (_gateLock)
            {
                _repairSummary = summary;
                _gate.RepairFinished(_context.Time.GetUtcNow());
            }

            _mainWake.Set();
        }, ThreadStackBytes)
        { IsBackground = true, Name = "repair" };
        thread.Start();
    }

    /// <summary>Writes why, syncs, and from then on pets nothing: the watchdogs reset the machine.</summary>
    private void StopOnPurpose(string reason, HealthVerdict verdict)
    {
        var log = _context.Log;
        log.WriteLine($"appliance: stopping petting on purpose: {reason}");
        _context.Announce?.Invoke("check-failing", $"stopping petting the watchdog on purpose: {reason}; the machine resets at the timeout");
        try
        {
            string? repair;
            lock (_gateLock)
            {
                repair = _repairSummary;
            }

            _context.Files.WriteLastStop(new LastStopRecord
            {
                BootId = _context.BootId,
                StoppedAt = _context.Time.GetUtcNow(),
                Reason = reason,
                Failures = verdict.Failures,
                Repair = repair,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The stop goes ahead: an unwritable journal is one more reason to reset, not to keep petting.
            log.WriteLine($"appliance: could not record the stop in {_context.Files.LastStopPath}: {e.Message}");
        }

        _platform.Sync();
        _notifier?.Send(SystemdWatchdog.Message(("STATUS", $"stopped petting: {reason}")));
        log.Flush();
        _mainWake.Set();
    }

    private void RecordResetCause(IReadOnlyList<IPetTarget> targets)
    {
        var devices = new List<DeviceResetCause>();
        foreach (var target in targets)
        {
            if (target.ResetCause is { } cause)
            {
                devices.Add(cause);
            }
        }

        if (devices.Count == 0)
        {
            return;
        }

        var record = new ResetCauseRecord
        {
            BootId = _context.BootId,
            RecordedAt = _context.Time.GetUtcNow(),
            Cause = ResetCauseRecord.Summarize(devices),
            Devices = devices,
        };
        try
        {
            // Only the first start of a boot knows the cause; a restart re-reads the same bits, so rewriting is harmless.
            _context.Files.WriteResetCause(record);
            _context.Log.WriteLine($"appliance: last reset: {record.Cause}");
            if (record.Cause.Contains("watchdog reset", StringComparison.Ordinal))
            {
                _context.Announce?.Invoke("watchdog-reset", $"the last reset was a watchdog reset ({record.Cause})");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _context.Log.WriteLine($"appliance: could not record the reset cause in {_context.Files.ResetCausePath}: {e.Message}");
        }
    }
}
