namespace Appliance.Core.Menu;

/// <summary>
/// How GRUB 2.06 reads a menu reference such as the value of <c>default</c>
/// (grub-core/normal/menu.c: <c>get_entry_number</c>, <c>menuentry_eq</c>, and the submenu
/// descent in <c>grub_menu_execute_entry</c>).
/// </summary>
internal static class GrubReference
{
    /// <summary>
    /// The index one menu level selects for <paramref name="spec"/>, or -1 when none does. A spec
    /// that <see cref="TryParseNumber"/> reads as a number is an index (possibly out of range);
    /// otherwise the first item whose title or id matches the part before the first <c>&gt;</c>.
    /// An item without an id is matched on its title twice, as GRUB's id defaults to the title.
    /// </summary>
    public static int Select(IReadOnlyList<(string Title, string? Id)> level, string spec, out bool numeric)
    {
        numeric = TryParseNumber(spec, out int index);
        if (numeric)
        {
            return index;
        }

        for (int k = 0; k < level.Count; k++)
        {
            if (Matches(level[k].Title, spec) || Matches(level[k].Id ?? level[k].Title, spec))
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>
    /// For each title and id of <paramref name="level"/>, the first item it belongs to: what
    /// <see cref="Select"/> returns for a spec that is one whole escaped component (with or
    /// without a closing <c>&gt;</c>) and does not read as a number, since menuentry_eq then
    /// amounts to equality with the unescaped text.
    /// </summary>
    public static Dictionary<string, int> FirstIndexByKey(IReadOnlyList<(string Title, string? Id)> level)
    {
        var first = new Dictionary<string, int>(level.Count, StringComparer.Ordinal);
        for (int k = 0; k < level.Count; k++)
        {
            first.TryAdd(level[k].Title, k);
            first.TryAdd(level[k].Id ?? level[k].Title, k);
        }

        return first;
    }

    /// <summary>
    /// get_entry_number's <c>grub_strtoul (val, 0, 0)</c>: leading blanks skipped, <c>0x</c> makes
    /// it hexadecimal and a leading <c>0</c> before an octal digit octal, and digits are read up to
    /// the first other character, which is not checked, so <c>"2 (old)"</c> is entry 2. False when
    /// no digit is read (GRUB then matches titles and ids). A number too large for an index gives
    /// <paramref name="index"/> -1, which selects nothing.
    /// </summary>
    public static bool TryParseNumber(string spec, out int index)
    {
        index = -1;
        int p = 0;
        while (p < spec.Length && spec[p] is ' ' or '\t' or '\n' or '\r')
        {
            p++;
        }

        int numberBase = 10;
        if (p + 1 < spec.Length && spec[p] == '0')
        {
            if (spec[p + 1] == 'x')
            {
                numberBase = 16;
                p += 2;
            }
            else if (spec[p + 1] is >= '0' and <= '7')
            {
                numberBase = 8;
            }
        }

        ulong value = 0;
        bool found = false;
        bool overflow = false;
        for (; p < spec.Length; p++)
        {
            int digit = DigitValue(spec[p]);
            if (digit < 0 || digit >= numberBase)
            {
                break;
            }

            found = true;
            if (value > (ulong.MaxValue - (ulong)digit) / (ulong)numberBase)
            {
                overflow = true;
                break;
            }

            value = (value * (ulong)numberBase) + (ulong)digit;
        }

        if (!found)
        {
            return false;
        }

        if (!overflow && value <= int.MaxValue)
        {
            index = (int)value;
        }

        return true;
    }

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'z' => c - 'a' + 10,
        >= 'A' and <= 'Z' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// menuentry_eq: <paramref name="name"/> matches when <paramref name="spec"/> equals it up to
    /// the end or up to a <c>&gt;</c> that is not doubled; <c>&gt;&gt;</c> stands for one <c>&gt;</c>.
    /// </summary>
    public static bool Matches(string name, string spec)
    {
        int i = 0;
        int j = 0;
        while (true)
        {
            bool separator = j < spec.Length && spec[j] == '>' && !(j + 1 < spec.Length && spec[j + 1] == '>');
            if (separator)
            {
                return i == name.Length;
            }

            if (j < spec.Length && spec[j] == '>')
            {
                j++;
            }

            bool nameEnded = i >= name.Length;
            bool specEnded = j >= spec.Length;
            if (nameEnded || specEnded)
            {
                return nameEnded && specEnded;
            }

            if (name[i] != spec[j])
            {
                return false;
            }

            i++;
            j++;
        }
    }

    /// <summary>
    /// What grub_menu_execute_entry sets <c>default</c> to on entering a submenu: the text after
    /// the first <c>&gt;</c> that is not doubled, or null (unset) when there is none or it is empty.
    /// </summary>
    public static string? Rest(string spec)
    {
        for (int j = 0; j < spec.Length; j++)
        {
            if (spec[j] != '>')
            {
                continue;
            }

            if (j + 1 < spec.Length && spec[j + 1] == '>')
            {
                j++;
                continue;
            }

            return j + 1 < spec.Length ? spec[(j + 1)..] : null;
        }

        return null;
    }

    /// <summary>The first level of a reference, with <c>&gt;&gt;</c> turned back into <c>&gt;</c>, for messages.</summary>
    public static string FirstComponent(string spec)
    {
        var text = new System.Text.StringBuilder();
        for (int j = 0; j < spec.Length; j++)
        {
            if (spec[j] == '>')
            {
                if (j + 1 < spec.Length && spec[j + 1] == '>')
                {
                    j++;
                }
                else
                {
                    break;
                }
            }

            text.Append(spec[j]);
        }

        return text.ToString();
    }

    public static string Escape(string component) => component.Replace(">", ">>", StringComparison.Ordinal);
}
