using Appliance.Core.Collections;
using Appliance.Core.Health;
using Appliance.Core.Watchdog;
using Appliance.Linux.Files;

namespace Appliance.Linux.Watchdog;

/// <summary>Reload on SIGHUP, settling after start, the state file and the shutdown.</summary>
public sealed partial class WatchdogDaemon
{
    private void Reload(TextWriter log)
    {
        WatchdogSettings settings;
        try
        {
            settings = _load();
        }
        catch (Exception e) when (e is Core.Config.ConfigException or FileProblemException or IOException)
        {
            log.WriteLine($"appliance: reload failed, keeping the running configuration: {e.Message}");
            return;
        }

        Round old = _round;
        IReadOnlyList<IPetTarget> targets;
        try
        {
            targets = _platform.ReconcileTargets(settings, old.Targets.Filter(t => t.Kind != "systemd"), log);
        }
        catch (Exception e) when (e is WatchdogSelectionException or FileProblemException or IOException or Native.MissingPackageException)
        {
            log.WriteLine($"appliance: reload failed, keeping the running configuration: {e.Message}");
            return;
        }

        var all = new List<IPetTarget>(targets);
        all.AddRange(old.Targets.Filter(t => t.Kind == "systemd"));
        _platform.TuneProcess(settings, log);
        var checks = new CheckScheduler(_platform.CreateChecks(settings), settings.CheckInterval, _context.Time, cancel => _platform.CheckContext(settings, cancel), old.Checks);
        lock (_gateLock)
        {
            _gate.Reconfigure(settings.Grace, settings.Repair is not null);
        }

        // The pet thread picks up the new round on its next pass; it never stopped petting.
        _round = NewRound(settings, all, checks, log);
        _settled = false;
        old.Checks.Dispose();
        checks.Start();
        _notifier?.Send(SystemdWatchdog.Message(("STATUS", $"reloaded; petting {all.Count} target(s) every {_round.Interval.TotalMilliseconds:0} ms")));
        log.WriteLine($"appliance: reloaded configuration; interval {_round.Interval.TotalMilliseconds:0} ms, {checks.Count} check(s)");
    }

    /// <summary>
    /// Once every check has reported and a pet has gone out, everything the steady loop needs
    /// has run at least once: start-up's memory goes back then, and again after each reload
    /// (which runs the configuration and check set-up code once more). A check that never
    /// reports (a probe stuck in a sysfs read) holds this up only until it counts as stale.
    /// </summary>
    private void Settle(TextWriter log)
    {
        Round round = _round;
        bool ran = round.Checks.HaveResults || _context.Time.GetElapsedTime(round.Started) >= round.StaleAfter;
        if (_settled || !ran || Pets == 0)
        {
            return;
        }

        _settled = true;
        _platform.ReleaseStartupMemory(round.Settings, log);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private void Publish()
    {
        Round round = _round;
        GateState gate;
        HealthVerdict? verdict;
        lock (_gateLock)
        {
            gate = _gate.State;
            verdict = _lastVerdict;
        }

        _platform.ShowStatus(StatusLedPatterns.From(gate, round.Checks.HaveResults, _platform.TrialBoot()));
        long lastPet = Interlocked.Read(ref _lastPetTicks);
        Dictionary<string, string> errors;
        lock (_targetErrors)
        {
            errors = new Dictionary<string, string>(_targetErrors);
        }

        LatePetFigures late = Lateness;
        try
        {
            _context.Files.WriteState(new WatchdogDaemonState
            {
                Pid = _context.Pid,
                BootId = _context.BootId,
                UpdatedAt = _context.Time.GetUtcNow(),
                LastPet = lastPet == 0 ? null : new DateTimeOffset(lastPet, TimeSpan.Zero),
                Pets = Pets,
                IntervalMs = (long)round.Interval.TotalMilliseconds,
                LatePets = late.Count,
                LargestLatenessMs = (long)late.Largest.TotalMilliseconds,
                SystemdHoldsWatchdog = _ownership.Reason,
                EscapeHatch = _escapeHatch,
                Gate = gate.ToString().ToLowerInvariant(),
                Healthy = verdict?.Healthy ?? true,
                Failures = verdict?.Failures ?? [],
                Board = _platform.BoardName,
                Targets = round.Targets.Map(t => new PetTargetState
                {
                    Name = t.Name,
                    Kind = t.Kind,
                    TimeoutSeconds = t.Timeout is { } d ? (int)Math.Ceiling(d.TotalSeconds) : null,
                    PretimeoutSeconds = t.PretimeoutState?.Seconds,
                    PretimeoutSupport = t.PretimeoutState is { } p ? Pretimeout.Name(p.Support) : null,
                    LastError = errors.GetValueOrDefault(t.Name),
                }),
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _context.Log.WriteLine($"appliance: {_context.Files.StatePath}: {e.Message}");
        }
    }

    /// <summary>
    /// Looks at the escape hatch when it is due (<see cref="EscapeHatchWatch.Interval"/>), logs
    /// what appeared and what was fixed since the last look, and keeps the present findings for
    /// the state file. Report only: the gate never sees them.
    /// </summary>
    private void WatchEscapeHatch(TextWriter log)
    {
        long now = _context.Time.GetTimestamp();
        if (_escapeHatchLooked is { } last && _context.Time.GetElapsedTime(last, now) < EscapeHatchWatch.Interval)
        {
            return;
        }

        _escapeHatchLooked = now;
        var findings = _platform.EscapeHatch();
        var (appeared, cleared) = EscapeHatchWatch.Changes(_escapeHatchIds, findings);
        foreach (var finding in appeared)
        {
            log.WriteLine($"appliance: escape hatch: {finding.Outcome.Output} (reported only; petting goes on)");
        }

        foreach (string id in cleared)
        {
            log.WriteLine($"appliance: escape hatch: '{id}' is no longer a problem");
        }

        _escapeHatchIds = findings.Filter(f => f.Present).Map(f => f.Id);
        _escapeHatch = EscapeHatchWatch.Lines(findings);
    }

    private void Shutdown(Thread petThread, TextWriter log)
    {
        _stopping = true;
        _petWake.Set();
        petThread.Join();
        Round round = _round;
        round.Checks.Dispose();
        _notifier?.Send(SystemdWatchdog.Message(("STOPPING", "1")));
        if (Gate == GateState.Stopped)
        {
            // Stopped on purpose: leave every target armed; the process exit closes them.
            log.WriteLine("appliance: exiting after a deliberate stop; the watchdogs stay armed");
            return;
        }

        foreach (var target in round.Targets)
        {
            log.WriteLine($"appliance: {target.Release(round.Settings.MagicCloseOnStop)}");
        }
    }
}
