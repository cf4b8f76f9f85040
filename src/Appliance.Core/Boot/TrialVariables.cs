namespace Appliance.Core.Boot;

/// <summary>The grubenv variables of the trial-boot contract (grub/README.md states who writes each).</summary>
public static class TrialVariables
{
    /// <summary>Entry reference of the kernel on trial; empty when none. Agent sets, GRUB clears when tries run out.</summary>
    public const string Trial = "appliance_trial";

    /// <summary>Tries left, one digit 0-9. Agent sets, GRUB counts down before each trial boot.</summary>
    public const string Tries = "appliance_tries";

    /// <summary>Entry reference of the known-good kernel. Agent sets; GRUB boots it when no trial runs.</summary>
    public const string Good = "appliance_good";

    /// <summary>
    /// Contract 1 kept known-good's top-level index here for GRUB's fallback; contract 2 falls
    /// back to the entry grub/appliance.cfg defines instead. Removed by every trial edit so a
    /// stale index never lingers, and by purge.
    /// </summary>
    public const string LegacyFallback = "appliance_fallback";

    /// <summary>What the last boot with a trial was: <c>trial</c> or <c>rollback</c> (GRUB), <c>rejected</c> (agent).</summary>
    public const string Boot = "appliance_boot";

    /// <summary>The entry whose trial failed last; kept for status until the next stage.</summary>
    public const string Failed = "appliance_failed";

    /// <summary>Distro variable GRUB_DEFAULT=saved reads; a commit sets it so the committed kernel stays default without Appliance too.</summary>
    public const string SavedEntry = "saved_entry";

    /// <summary>Every variable Appliance owns, for purge.</summary>
    public static IReadOnlyList<string> Owned { get; } = [Trial, Tries, Good, LegacyFallback, Boot, Failed];

    public const int MaxTries = 9;
}
