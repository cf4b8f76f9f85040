namespace Appliance.Vm;

/// <summary>
/// Serial-console markers printed by tools/vm/grub.cfg.in (GRUB echo) and
/// tools/vm/init.sh (the initramfs). Keep in step with those files.
/// </summary>
public static class Markers
{
    public const string GrubNextEntryConsumed = "GRUB: next_entry consumed default=";
    public const string GrubStart = "GRUB: start default=";
    public const string GrubCounterExhausted = "GRUB: boot_counter exhausted";
    public const string Bootstatus = "APPLIANCE-MARKER: bootstatus=";
    public const string StoppedPetting = "APPLIANCE-MARKER: stopped-petting";
    public const string SetNextEntry = "APPLIANCE-MARKER: set next_entry=";

    public static string GrubBooting(string entry) => $"GRUB: booting {entry}";

    public static string Userspace(string entry) => $"APPLIANCE-MARKER: userspace entry={entry} ";

    public static string End(string action) => $"APPLIANCE-MARKER: end action={action}";

    /// <summary>The text after <paramref name="prefix"/> up to the next space.</summary>
    public static string ValueAfter(SerialLine line, string prefix)
    {
        var at = line.Text.IndexOf(prefix, StringComparison.Ordinal);
        if (at < 0)
        {
            return string.Empty;
        }

        var rest = line.Text[(at + prefix.Length)..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? rest : rest[..space];
    }
}
