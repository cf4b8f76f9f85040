using Appliance.Core.Collections;

namespace Appliance.Core.Boot;

/// <summary>A menu entry reduced to what the kernel command line can show of it.</summary>
public readonly record struct BootableEntry(string Path, string? Kernel, string Args);

/// <summary>
/// Tells which menu entry the running kernel was booted from, by its command line. GRUB's
/// <c>linux</c> and <c>linux16</c> commands pass <c>BOOT_IMAGE=&lt;kernel path as written&gt;</c>
/// followed by the entry's arguments (grub-core/loader/i386/linux.c, .../pc/linux.c), with
/// variables already expanded.
/// </summary>
public static class RunningEntry
{
    /// <summary>The path of the best-matching entry, or null when none fits.</summary>
    /// <remarks>
    /// An entry fits when it loads a kernel, every argument it states literally is on the command
    /// line and, when BOOT_IMAGE is there, its kernel is that file. Arguments holding GRUB
    /// variables (<c>$vt_handoff</c>) cannot be compared and are left out. Among fitting entries
    /// the one stating the most arguments wins, so a trial that differs from known-good by one
    /// added argument is told apart. Entries that still tie boot identically, and the command
    /// line cannot say which GRUB chose: Debian and Ubuntu list the newest kernel twice (the
    /// top-level entry and its twin in "Advanced options"). Then the first of
    /// <paramref name="expected"/> (the staged trial, then known-good: what GRUB was told to
    /// boot) that is among them wins, else the first in menu order.
    /// </remarks>
    public static string? Match(IEnumerable<BootableEntry> entries, string commandLine, params ReadOnlySpan<string?> expected)
    {
        var tokens = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var present = new HashSet<string>(tokens, StringComparer.Ordinal);
        string? bootImage = Array.Find(tokens, t => t.StartsWith("BOOT_IMAGE=", StringComparison.Ordinal))?["BOOT_IMAGE=".Length..];

        var best = new List<string>();
        int bestScore = -1;
        foreach (var entry in entries)
        {
            if (entry.Kernel is null || (bootImage is not null && !SameKernel(entry.Kernel, bootImage)))
            {
                continue;
            }

            var stated = entry.Args.Split(' ', StringSplitOptions.RemoveEmptyEntries).Filter(a => !a.Contains('$'));
            if (!stated.TrueForAll(present.Contains))
            {
                continue;
            }

            int score = stated.Count;
            if (score > bestScore)
            {
                best.Clear();
                bestScore = score;
            }

            if (score == bestScore)
            {
                best.Add(entry.Path);
            }
        }

        foreach (string? wanted in expected)
        {
            if (wanted is not null && best.Contains(wanted))
            {
                return wanted;
            }
        }

        return best.Count > 0 ? best[0] : null;
    }

    /// <summary>Compares kernel paths as GRUB writes them, ignoring a leading device like <c>(hd0,msdos1)</c>.</summary>
    private static bool SameKernel(string a, string b) => StripDevice(a) == StripDevice(b);

    private static string StripDevice(string path) =>
        path.StartsWith('(') && path.IndexOf(')') is var close and > 0 ? path[(close + 1)..] : path;
}
