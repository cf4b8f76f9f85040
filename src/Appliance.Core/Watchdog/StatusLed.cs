namespace Appliance.Core.Watchdog;

/// <summary>What the status LED shows.</summary>
public enum StatusLedState
{
    /// <summary>The daemon runs but no health verdict is in yet.</summary>
    Booting,

    /// <summary>Healthy, on a trial boot (grubenv <c>appliance_trial</c> set).</summary>
    Trial,

    Healthy,

    /// <summary>Unhealthy, repairing, or stopped petting.</summary>
    Failing,
}

/// <summary>How one state looks on an LED: a steady level, or a blink the kernel's <c>timer</c> trigger runs (drivers/leds/trigger/ledtrig-timer.c), so a hung daemon cannot freeze a "healthy" pattern mid-blink.</summary>
public sealed record LedPattern(bool On, int BlinkOnMs, int BlinkOffMs)
{
    public bool Blinks => BlinkOnMs > 0;
}

public static class StatusLedPatterns
{
    /// <summary>Booting: slow blink; trial: fast blink; healthy: steady on; failing: off. A GPIO LED cannot blink by itself, so it shows only the level.</summary>
    public static LedPattern For(StatusLedState state) => state switch
    {
        StatusLedState.Booting => new LedPattern(true, 500, 500),
        StatusLedState.Trial => new LedPattern(true, 100, 100),
        StatusLedState.Healthy => new LedPattern(true, 0, 0),
        _ => new LedPattern(false, 0, 0),
    };

    public static StatusLedState From(GateState gate, bool haveVerdict, bool trialBoot) => gate switch
    {
        GateState.Healthy when !haveVerdict => StatusLedState.Booting,
        GateState.Healthy => trialBoot ? StatusLedState.Trial : StatusLedState.Healthy,
        _ => StatusLedState.Failing,
    };
}
