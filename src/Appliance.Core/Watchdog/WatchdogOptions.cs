namespace Appliance.Core.Watchdog;

/// <summary>
/// The WDIOF_* bits of struct watchdog_info.options and of the (boot)status words, values from
/// include/uapi/linux/watchdog.h. The low seven bits double as reset causes in GETBOOTSTATUS.
/// </summary>
[Flags]
public enum WatchdogOptions : uint
{
    None = 0,
    Overheat = 0x0001,
    FanFault = 0x0002,
    Extern1 = 0x0004,
    Extern2 = 0x0008,
    PowerUnder = 0x0010,
    CardReset = 0x0020,
    PowerOver = 0x0040,
    SetTimeout = 0x0080,
    MagicClose = 0x0100,
    Pretimeout = 0x0200,
    AlarmOnly = 0x0400,
    KeepalivePing = 0x8000,
}

/// <summary>Names for the option bits, as <c>appliance watchdog info</c> prints them.</summary>
public static class WatchdogOptionNames
{
    private static readonly (WatchdogOptions Bit, string Name)[] Names =
    [
        (WatchdogOptions.Overheat, "OVERHEAT"),
        (WatchdogOptions.FanFault, "FANFAULT"),
        (WatchdogOptions.Extern1, "EXTERN1"),
        (WatchdogOptions.Extern2, "EXTERN2"),
        (WatchdogOptions.PowerUnder, "POWERUNDER"),
        (WatchdogOptions.CardReset, "CARDRESET"),
        (WatchdogOptions.PowerOver, "POWEROVER"),
        (WatchdogOptions.SetTimeout, "SETTIMEOUT"),
        (WatchdogOptions.MagicClose, "MAGICCLOSE"),
        (WatchdogOptions.Pretimeout, "PRETIMEOUT"),
        (WatchdogOptions.AlarmOnly, "ALARMONLY"),
        (WatchdogOptions.KeepalivePing, "KEEPALIVEPING"),
    ];

    /// <summary>The WDIOF_ names of the set bits, lowest first; unknown bits as one hex word so nothing is hidden.</summary>
    public static IReadOnlyList<string> Decode(uint options)
    {
        var names = new List<string>();
        uint known = 0;
        foreach (var (bit, name) in Names)
        {
            known |= (uint)bit;
            if ((options & (uint)bit) != 0)
            {
                names.Add(name);
            }
        }

        if ((options & ~known) != 0)
        {
            names.Add($"0x{options & ~known:x}");
        }

        return names;
    }
}
