using Appliance.Core.Collections;

namespace Appliance.Core.Menu;

/// <summary>
/// GRUB's boot menu as grub.cfg (and the BLS snippets it loads) define it: the tree of entries
/// and submenus in <see cref="Items"/>, the entries alone in menu order in <see cref="Entries"/>,
/// and lookups that follow GRUB 2.06's rules for <c>default</c>.
/// </summary>
/// <remarks>
/// Conditional items (inside an <c>if</c>) are taken as present, so an index counted past one
/// that is absent on a given boot is off by one there; <see cref="MenuEntry.Conditional"/> tells.
/// </remarks>
public sealed class Menu
{
    private const int MaxCandidates = 3;

    // Edit distances are for suggestions only; longer references are cut to keep lookups cheap.
    private const int MaxCompared = 200;

    private Menu(IReadOnlyList<MenuNode> items, IReadOnlyList<MenuEntry> entries, string? configPath, int? applianceContract, IReadOnlyList<string> warnings)
    {
        Warnings = warnings;
        Items = items;
        Entries = entries;
        ConfigPath = configPath;
        ApplianceContract = applianceContract;
    }

    /// <summary>What the menu left out that an operator may expect in it (a BLS snippet without a kernel), one sentence each.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The top level of the menu.</summary>
    public IReadOnlyList<MenuNode> Items { get; }

    /// <summary>Every entry, submenus flattened, in the order GRUB shows them.</summary>
    public IReadOnlyList<MenuEntry> Entries { get; }

    /// <summary>The grub.cfg the menu was read from, when known.</summary>
    public string? ConfigPath { get; }

    /// <summary>The version of Appliance's GRUB contract the config carries (<see cref="Boot.GrubContract"/>), null when it has no Appliance block.</summary>
    public int? ApplianceContract { get; }

    /// <summary>The entry <paramref name="reference"/> (a number, an id, a title or a <c>&gt;</c>-joined path) selects, or null.</summary>
    public MenuEntry? Resolve(string reference) => Lookup(reference).Entry;

    /// <summary>
    /// Follows <paramref name="reference"/> level by level as GRUB does for <c>default</c>: at each
    /// level a number is an index, anything else selects the first item whose title or id matches
    /// the text up to the first single <c>&gt;</c>. An entry ends the walk (GRUB boots it even if
    /// the reference goes on); a submenu passes the rest of the reference down, and with nothing
    /// left GRUB boots the submenu's first entry.
    /// </summary>
    public MenuLookup Lookup(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        IReadOnlyList<MenuNode> level = Items;
        string spec = reference;
        string where = "the top-level menu";
        while (true)
        {
            int index = GrubReference.Select(Keys(level), spec, out bool numeric);
            if (index < 0 || index >= level.Count)
            {
                string problem = numeric
                    ? index < 0
                        ? $"'{spec}' is read as a number too large to be an entry of {where}"
                        : $"there is no entry {index} in {where}, which has {level.Count} (numbered from 0)"
                    : $"no entry in {where} has the title or id '{GrubReference.FirstComponent(spec)}'";
                MenuEntry? fallback = FirstEntry(level);
                if (fallback is not null)
                {
                    problem += $"; GRUB would boot '{fallback.Path}' instead";
                }

                return new MenuLookup(null, problem, Closest(reference), fallback);
            }

            MenuNode node = level[index];
            if (node.Entry is { } entry)
            {
                return new MenuLookup(entry, null, [], entry);
            }

            string? rest = GrubReference.Rest(spec);
            if (rest is null)
            {
                MenuEntry? first = FirstEntry(node.Children);
                return first is null
                    ? new MenuLookup(null, $"submenu '{node.Path}' has no entries", Closest(reference), null)
                    : new MenuLookup(first, null, [], first) { Submenu = node };
            }

            level = node.Children;
            spec = rest;
            where = $"submenu '{node.Path}'";
        }
    }

    /// <summary>
    /// The number GRUB's <c>fallback</c> (and a numeric <c>default</c>) needs for
    /// <paramref name="entry"/>: its index at the top level, counting submenus as one item each;
    /// null when the entry is inside a submenu or not in this menu.
    /// </summary>
    public int? TopLevelIndexOf(MenuEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        for (int k = 0; k < Items.Count; k++)
        {
            if (ReferenceEquals(Items[k].Entry, entry))
            {
                return k;
            }
        }

        for (int k = 0; k < Items.Count; k++)
        {
            if (entry.Equals(Items[k].Entry))
            {
                return k;
            }
        }

        return null;
    }

    /// <summary>
    /// The entry to record for <paramref name="entry"/> in grubenv: one whose reference keeps
    /// naming the same kernel after the next <c>update-grub</c>. Debian and Ubuntu list the newest
    /// kernel twice with identical lines, as <c>gnulinux-simple-UUID</c> at the top (which moves
    /// to whatever kernel is newest) and as <c>gnulinux-VERSION-advanced-UUID</c> in the submenu
    /// (which stays with its kernel); a reference to the first is swapped for the second. An
    /// entry whose reference already names its kernel's version, or that has no such twin, is
    /// returned as it is.
    /// </summary>
    public MenuEntry Pinned(MenuEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (KernelVersion(entry.Kernel) is not { } version || NamesVersion(entry, version))
        {
            return entry;
        }

        return Entries.Find(e => e.Kernel == entry.Kernel && e.Args == entry.Args && e.Initrd.SameItems(entry.Initrd) && NamesVersion(e, version))
            ?? entry;
    }

    /// <summary>
    /// The version part of a kernel file name as distributions install it
    /// (<c>/boot/vmlinuz-6.1.0-57-amd64</c>, <c>/vmlinuz-5.14.14-200.fc34.x86_64</c>): what follows
    /// the first '-'; null for a name without one.
    /// </summary>
    public static string? KernelVersion(string? kernelPath)
    {
        if (kernelPath is null)
        {
            return null;
        }

        string name = kernelPath[(kernelPath.LastIndexOf('/') + 1)..];
        int dash = name.IndexOf('-');
        return dash > 0 && dash < name.Length - 1 ? name[(dash + 1)..] : null;
    }

    private static bool NamesVersion(MenuEntry entry, string version)
    {
        string last = entry.Path[(entry.Path.LastIndexOf('>') + 1)..];
        return last.Contains(version, StringComparison.Ordinal);
    }

    internal static Menu Create(IReadOnlyList<DraftNode> drafts, string? configPath, int? applianceContract, IReadOnlyList<string>? warnings = null)
    {
        var entries = new List<MenuEntry>();
        var items = Finish(drafts, string.Empty, entries);
        return new Menu(items, entries, configPath, applianceContract, warnings ?? []);
    }

    private static List<MenuNode> Finish(IReadOnlyList<DraftNode> level, string prefix, List<MenuEntry> entries)
    {
        var keys = level.Map(d => (d.Title, d.Id));
        var firstByKey = GrubReference.FirstIndexByKey(keys);
        var nodes = new List<MenuNode>(level.Count);
        for (int k = 0; k < level.Count; k++)
        {
            DraftNode draft = level[k];
            string path = prefix + Component(keys[k], firstByKey, k, isSubmenu: draft.Children is not null);
            if (draft.Children is { } children)
            {
                nodes.Add(new MenuNode(path, draft.Title, draft.Id, draft.Conditional, null, Finish(children, path + ">", entries)));
                continue;
            }

            var entry = new MenuEntry(path, draft.Title, draft.Id, draft.Kernel, draft.Initrd, draft.Args, draft.Conditional)
            {
                Classes = draft.Classes,
                Line = draft.Line,
                BlsFileName = draft.BlsFileName,
            };
            entries.Add(entry);
            nodes.Add(new MenuNode(path, draft.Title, draft.Id, draft.Conditional, entry, []));
        }

        return nodes;
    }

    /// <summary>
    /// The path component for item <paramref name="k"/>: its id, else its title, else its number;
    /// the first of these that GRUB would resolve back to this very item at this level.
    /// <paramref name="firstByKey"/> answers <see cref="GrubReference.Select"/> for a whole
    /// component in one lookup; scanning the level for each item made a level of n items cost n².
    /// </summary>
    private static string Component((string Title, string? Id) key, Dictionary<string, int> firstByKey, int k, bool isSubmenu)
    {
        string[] choices = key.Id is { } id ? [id, key.Title] : [key.Title];
        foreach (string choice in choices)
        {
            string escaped = GrubReference.Escape(choice);
            string spec = isSubmenu ? escaped + ">" : escaped;
            int selected = GrubReference.TryParseNumber(spec, out int number) ? number : firstByKey.GetValueOrDefault(choice, -1);
            if (selected == k)
            {
                return escaped;
            }
        }

        return k.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<(string Title, string? Id)> Keys(IReadOnlyList<MenuNode> level) =>
        level.Map(n => (n.Title, n.Id));

    /// <summary>The entry GRUB boots when it enters a level with no usable <c>default</c>: item 0, into submenus.</summary>
    private static MenuEntry? FirstEntry(IReadOnlyList<MenuNode> level)
    {
        while (level.Count > 0)
        {
            if (level[0].Entry is { } entry)
            {
                return entry;
            }

            level = level[0].Children;
        }

        return null;
    }

    private List<MenuEntry> Closest(string reference)
    {
        string wanted = Cut(reference);
        var candidates = new List<(MenuEntry Entry, int Distance)>(Entries.Count);
        foreach (MenuEntry entry in Entries)
        {
            int distance = int.MaxValue;
            foreach (string? text in new[] { entry.Path, entry.Title, entry.Id })
            {
                if (text is not null)
                {
                    distance = Math.Min(distance, EditDistance(wanted, Cut(text)));
                }
            }

            candidates.Add((entry, distance));
        }

        // Stable: among equally close entries, menu order decides.
        var closest = candidates.SortedBy(c => c.Distance);
        return closest.GetRange(0, Math.Min(MaxCandidates, closest.Count)).ConvertAll(c => c.Entry);
    }

    private static string Cut(string text) => text.Length > MaxCompared ? text[..MaxCompared] : text;

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
