namespace Appliance.Core.Watchdog;

/// <summary>
/// Why the machine last reset, as far as a watchdog driver knows: the WDIOF_* bits of
/// GETBOOTSTATUS (or sysfs <c>bootstatus</c>), include/uapi/linux/watchdog.h. Drivers set
/// WDIOF_CARDRESET when the previous reset was theirs (i6300esb_init, iTCO_wdt_probe).
/// </summary>
public static class ResetCause
{
    private static readonly (WatchdogOptions Bit, string Cause)[] Causes =
    [
        (WatchdogOptions.CardReset, "watchdog reset"),
        (WatchdogOptions.Overheat, "overheat"),
        (WatchdogOptions.FanFault, "fan fault"),
        (WatchdogOptions.Extern1, "external relay 1"),
        (WatchdogOptions.Extern2, "external relay 2"),
        (WatchdogOptions.PowerUnder, "power under voltage"),
        (WatchdogOptions.PowerOver, "power over voltage"),
    ];

    /// <summary>The causes the bits name, watchdog reset first; none for 0 (power-on or a reset the driver did not see).</summary>
    public static IReadOnlyList<string> Decode(uint bootStatus)
    {
        var causes = new List<string>();
        foreach (var (bit, cause) in Causes)
        {
            if ((bootStatus & (uint)bit) != 0)
            {
                causes.Add(cause);
            }
        }

        return causes;
    }

    /// <summary>One phrase for a status line.</summary>
    public static string Summary(uint bootStatus)
    {
        var causes = Decode(bootStatus);
        return causes.Count == 0 ? "power-on or unknown" : string.Join(", ", causes);
    }
}
