namespace Appliance.Linux.Files;

/// <summary>Where Appliance keeps its state (the .deb's purge removes the root of it), each resolved under a root directory.</summary>
public static class StatePaths
{
    public const string Root = "/var/lib/appliance";

    /// <summary>The boot journal: one record per boot attempt.</summary>
    public const string Boots = Root + "/boots";

    /// <summary>The boot journal's counters for the records it has pruned, so <c>appliance metrics</c>' counters never go down.</summary>
    public const string BootTotals = Root + "/boot-totals.json";

    /// <summary>The kernel builds that failed a trial, which <c>upgrade stage</c> refuses without <c>--force</c>.</summary>
    public const string Quarantine = Root + "/quarantine.json";

    public const string Forensics = Root + "/forensics";

    /// <summary>The last <c>appliance drill panic</c> and how the way back went.</summary>
    public const string Drill = Root + "/drill.json";

    public const string Kexec = Root + "/kexec";

    public const string Watchdog = Root + "/watchdog";

    /// <summary>State that means nothing after a reboot (tmpfs).</summary>
    public const string RuntimeRoot = "/run/appliance";

    /// <summary>The running trial's stability window (<c>[Boot] StabilitySec</c>), while the validator holds it open.</summary>
    public const string Stability = RuntimeRoot + "/stability.json";

    /// <summary><paramref name="path"/> (absolute) under <paramref name="root"/>, symlinks resolved inside it.</summary>
    public static string Under(string root, string path) => Config.RootedPath.Resolve(root, path);
}
