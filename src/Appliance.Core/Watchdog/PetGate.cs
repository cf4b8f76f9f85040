namespace Appliance.Core.Watchdog;

/// <summary>Where the gate stands; <see cref="Stopped"/> is final for this boot.</summary>
public enum GateState
{
    Healthy,
    Unhealthy,
    Repairing,
    AfterRepair,
    Stopped,
}

/// <summary>What the pet loop does this round.</summary>
public enum GateAction
{
    Pet,

    /// <summary>Pet, and start the repair hook (it runs on its own thread; petting goes on meanwhile).</summary>
    PetAndRepair,

    /// <summary>Write the reason, sync, and stop petting for good: the watchdog will reset the machine.</summary>
    Stop,

    /// <summary>Already stopped: do nothing.</summary>
    Hold,
}

public sealed record GateDecision(GateAction Action, GateState State, string? Reason);

/// <summary>
/// Decides, from the latest health verdict, whether to keep petting. Unhealthy for longer than
/// the grace → repair hook (if configured) → once a verdict newer than the repair's end is in,
/// healthy resumes normal petting, unhealthy stops petting on purpose. Pure: time and verdicts
/// come in as values; the caller acts on the decision.
/// </summary>
public sealed class PetGate
{
    private DateTimeOffset _unhealthySince;
    private DateTimeOffset _repairEnded;

    public PetGate(TimeSpan grace, bool hasRepair)
    {
        Grace = grace;
        HasRepair = hasRepair;
    }

    public TimeSpan Grace { get; private set; }

    public bool HasRepair { get; private set; }

    public GateState State { get; private set; } = GateState.Healthy;

    /// <summary>A reload changes grace and repair without losing where the gate stands.</summary>
    public void Reconfigure(TimeSpan grace, bool hasRepair)
    {
        Grace = grace;
        HasRepair = hasRepair;
    }

    /// <summary>The repair hook finished (however it ended) at <paramref name="at"/>.</summary>
    public void RepairFinished(DateTimeOffset at)
    {
        if (State == GateState.Repairing)
        {
            State = GateState.AfterRepair;
            _repairEnded = at;
        }
    }

    /// <summary>A stop that happened before this process started (same boot): stay stopped.</summary>
    public void StayStopped() => State = GateState.Stopped;

    public GateDecision Decide(HealthVerdict verdict, DateTimeOffset now)
    {
        switch (State)
        {
            case GateState.Stopped:
                return new GateDecision(GateAction.Hold, State, null);

            case GateState.Repairing:
                return new GateDecision(GateAction.Pet, State, null);

            case GateState.AfterRepair:
                if (verdict.Oldest < _repairEnded)
                {
                    // Some result predates the repair: wait for one that shows its effect, but
                    // not longer than another grace (stale checks fail on their own anyway).
                    return now - _repairEnded > Grace
                        ? StopWith($"no fresh health results within {Grace.TotalSeconds:0.#} s of the repair hook; last failures: {Describe(verdict)}")
                        : new GateDecision(GateAction.Pet, State, null);
                }

                if (verdict.Healthy)
                {
                    State = GateState.Healthy;
                    return new GateDecision(GateAction.Pet, State, null);
                }

                return StopWith($"still unhealthy after the repair hook: {Describe(verdict)}");

            case GateState.Unhealthy when verdict.Healthy:
            case GateState.Healthy when verdict.Healthy:
                State = GateState.Healthy;
                return new GateDecision(GateAction.Pet, State, null);

            case GateState.Healthy:
                State = GateState.Unhealthy;
                _unhealthySince = now;
                return Within(now, verdict);

            default:
                return Within(now, verdict);
        }
    }

    private GateDecision Within(DateTimeOffset now, HealthVerdict verdict)
    {
        if (now - _unhealthySince < Grace)
        {
            return new GateDecision(GateAction.Pet, State, null);
        }

        if (HasRepair)
        {
            State = GateState.Repairing;
            return new GateDecision(GateAction.PetAndRepair, State, $"unhealthy for {(now - _unhealthySince).TotalSeconds:0.#} s: {Describe(verdict)}");
        }

        return StopWith($"unhealthy for {(now - _unhealthySince).TotalSeconds:0.#} s (grace {Grace.TotalSeconds:0.#} s, no repair hook): {Describe(verdict)}");
    }

    private GateDecision StopWith(string reason)
    {
        State = GateState.Stopped;
        return new GateDecision(GateAction.Stop, State, reason);
    }

    private static string Describe(HealthVerdict verdict) =>
        verdict.Failures.Count == 0 ? "no failures recorded" : string.Join("; ", verdict.Failures);
}
