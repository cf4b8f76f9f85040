namespace Appliance.Core.Boot;

/// <summary>
/// The line grub/appliance.cfg carries into grub.cfg (through /etc/grub.d/01_appliance and
/// update-grub) naming the version of the trial contract it implements. Without it GRUB never
/// counts a try nor falls back, so the agent refuses to stage a trial that GRUB would boot
/// untracked.
/// </summary>
public static class GrubContract
{
    /// <summary>Bumped whenever GRUB's side changes in a way the agent relies on (2: the fallback entry replaced appliance_fallback).</summary>
    public const int Version = 2;

    public const string MarkerPrefix = "# appliance-grub-contract: ";

    public static string Marker => MarkerPrefix + Version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The id of the menu entry grub/appliance.cfg defines on trial boots, the target of GRUB's <c>fallback</c>.</summary>
    public const string FallbackEntryId = "appliance-known-good";

    /// <summary>The contract version the grub.cfg text carries (the highest, should it carry several), or null when it has no Appliance block.</summary>
    public static int? Find(string grubCfgText)
    {
        ArgumentNullException.ThrowIfNull(grubCfgText);
        int? found = null;
        int at = 0;
        while ((at = grubCfgText.IndexOf(MarkerPrefix, at, StringComparison.Ordinal)) >= 0)
        {
            at += MarkerPrefix.Length;
            int end = at;
            while (end < grubCfgText.Length && char.IsAsciiDigit(grubCfgText[end]))
            {
                end++;
            }

            if (end > at && end - at <= 4 && int.Parse(grubCfgText.AsSpan(at, end - at), System.Globalization.CultureInfo.InvariantCulture) is var version)
            {
                found = Math.Max(found ?? 0, version);
            }
        }

        return found;
    }

    /// <summary>Why a trial staged against this grub.cfg would not be counted by GRUB, or null when it would.</summary>
    public static string? Problem(int? foundVersion) => foundVersion switch
    {
        null => "grub.cfg has no Appliance block, so GRUB would boot the trial without counting its tries or falling back; run 'update-grub' (or grub-mkconfig -o on this machine's grub.cfg) so /etc/grub.d/01_appliance is included",
        < Version => $"grub.cfg carries Appliance's GRUB contract {foundVersion}, older than the {Version} this agent needs; run 'update-grub' to regenerate it",
        _ => null,
    };
}
