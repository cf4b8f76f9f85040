namespace Appliance.Core.Watchdog;

/// <summary>Whether and how a watchdog offers a pretimeout (WDIOC_SETPRETIMEOUT, sysfs <c>pretimeout</c>).</summary>
public enum PretimeoutSupport
{
    /// <summary>No pretimeout: the driver lacks WDIOF_PRETIMEOUT and the kernel lacks CONFIG_WATCHDOG_HRTIMER_PRETIMEOUT (SETPRETIMEOUT gives EOPNOTSUPP).</summary>
    None,

    /// <summary>The driver's own: WDIOF_PRETIMEOUT in its options (an interrupt from the hardware's first stage).</summary>
    Native,

    /// <summary>
    /// The watchdog core's: with CONFIG_WATCHDOG_HRTIMER_PRETIMEOUT=y every driver on the core gets
    /// one from an hrtimer restarted on each ping (drivers/watchdog/watchdog_hrtimer_pretimeout.c),
    /// which is how softdog and i6300esb have it on Debian's kernel.
    /// </summary>
    CoreTimer,

    /// <summary>Offered (sysfs <c>pretimeout</c> is there), but how is unknown: before 6.2 sysfs has no <c>options</c>.</summary>
    Offered,
}

/// <summary>
/// The pretimeout decisions. A hang that stops the daemon but not the kernel fires the pretimeout
/// first; with the panic governor (drivers/watchdog/pretimeout_panic.c) that is a panic, which a
/// loaded crash kernel turns into the kexec path to known-good with no firmware pass. Only a
/// kernel too dead to run the pretimeout costs the hardware reset, Pretimeout seconds later.
/// </summary>
public static class Pretimeout
{
    /// <summary>The governor used when <c>Pretimeout</c> is set and <c>PretimeoutGovernor</c> is not: noop (the kernel's usual default) only logs, which buys nothing over the reset.</summary>
    public const string DefaultGovernor = "panic";

    /// <summary>The governors the kernel has (drivers/watchdog/pretimeout_noop.c, pretimeout_panic.c).</summary>
    public static IReadOnlyList<string> Governors { get; } = ["noop", "panic"];

    public static bool IsGovernor(string name) => name is "noop" or "panic";

    /// <summary>The panic message of the panic governor; "Kernel panic - not syncing: " precedes it on the console.</summary>
    public const string PanicMessage = "watchdog pretimeout event";

    /// <summary>
    /// watchdog_have_pretimeout (drivers/watchdog/watchdog_core.h): WDIOF_PRETIMEOUT, or the core's
    /// hrtimer. The sysfs <c>pretimeout</c> file is visible exactly when it holds (wdt_is_visible).
    /// </summary>
    public static PretimeoutSupport Support(uint? options, bool sysfsPretimeoutFile)
    {
        if (options is { } o && (o & (uint)WatchdogOptions.Pretimeout) != 0)
        {
            return PretimeoutSupport.Native;
        }

        if (!sysfsPretimeoutFile)
        {
            return PretimeoutSupport.None;
        }

        return options is null ? PretimeoutSupport.Offered : PretimeoutSupport.CoreTimer;
    }

    /// <summary>Short words for status, info and JSON.</summary>
    public static string Name(PretimeoutSupport support) => support switch
    {
        PretimeoutSupport.Native => "native",
        PretimeoutSupport.CoreTimer => "hrtimer",
        PretimeoutSupport.Offered => "yes",
        _ => "no",
    };

    public static string Describe(PretimeoutSupport support) => support switch
    {
        PretimeoutSupport.Native => "yes, the driver's own (WDIOF_PRETIMEOUT)",
        PretimeoutSupport.CoreTimer => "yes, the watchdog core's hrtimer (CONFIG_WATCHDOG_HRTIMER_PRETIMEOUT)",
        PretimeoutSupport.Offered => "yes (native or the core's hrtimer: sysfs has no options before 6.2)",
        _ => "no (no WDIOF_PRETIMEOUT and no CONFIG_WATCHDOG_HRTIMER_PRETIMEOUT)",
    };

    /// <summary>The governor to select: the configured one, else <see cref="DefaultGovernor"/> when a pretimeout is set, else none (leave the kernel's).</summary>
    public static string? Governor(WatchdogSettings settings) =>
        settings.PretimeoutGovernor ?? (settings.PretimeoutSeconds is > 0 ? DefaultGovernor : null);

    /// <summary>The module that registers a governor (CONFIG_WATCHDOG_PRETIMEOUT_GOV_PANIC=m gives pretimeout_panic).</summary>
    public static string Module(string governor) => "pretimeout_" + governor;

    /// <summary>
    /// How long without a pet before the first thing fires: the pretimeout, Pretimeout seconds
    /// before the timeout (watchdog_hrtimer_pretimeout_start arms it at timeout - pretimeout),
    /// or the timeout itself. The pet interval must fit inside this, not the timeout, or the
    /// pretimeout fires on a healthy machine.
    /// </summary>
    public static TimeSpan FirstEvent(int timeoutSeconds, int? pretimeoutSeconds) =>
        TimeSpan.FromSeconds(pretimeoutSeconds is { } p && p > 0 && p < timeoutSeconds ? timeoutSeconds - p : timeoutSeconds);

    /// <summary>
    /// What <c>appliance check</c> warns about for one device when a pretimeout is configured:
    /// none offered, or the governor not registered (its module not loaded). Empty when fine.
    /// </summary>
    public static IReadOnlyList<string> Findings(string device, WatchdogSettings settings, PretimeoutSupport support, string? availableGovernors)
    {
        if (settings.PretimeoutSeconds is not > 0)
        {
            return [];
        }

        if (support == PretimeoutSupport.None)
        {
            return [$"{device}: Pretimeout={settings.PretimeoutSeconds} is configured but the watchdog has none ({Describe(support)}); a hang that stops the daemon costs a hardware reset instead of a panic"];
        }

        if (Governor(settings) is not { } governor)
        {
            return [];
        }

        if (availableGovernors is null)
        {
            return [$"{device}: no pretimeout_governor in sysfs (the kernel lacks CONFIG_WATCHDOG_PRETIMEOUT_GOV); the pretimeout cannot panic"];
        }

        var available = availableGovernors.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return Array.IndexOf(available, governor) >= 0
            ? []
            : [$"{device}: pretimeout governor '{governor}' is not registered (available: {(available.Length == 0 ? "none" : string.Join(' ', available))}); load it: modprobe {Module(governor)}, and list it in /etc/modules-load.d/"];
    }
}
