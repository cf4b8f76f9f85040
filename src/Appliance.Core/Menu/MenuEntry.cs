using System.Text.Json.Serialization;
using Appliance.Core.Collections;

namespace Appliance.Core.Menu;

/// <summary>
/// One bootable entry of GRUB's menu, from a <c>menuentry</c> in grub.cfg or a BLS snippet.
/// </summary>
/// <param name="Path">
/// A reference GRUB's <c>default</c> (or <c>saved_entry</c>, <c>next_entry</c>) selects this entry
/// with: one component per menu level, joined by <c>&gt;</c>, each the entry's id, or its title
/// when it has no id, with a <c>&gt;</c> inside written <c>&gt;&gt;</c>. Where that component
/// would select an earlier entry of the same level (ids shared between entries, as CentOS 7 and
/// os-prober write them, or text GRUB reads as a number), the title is used instead, and where
/// that is ambiguous too, the entry's number in its level.
/// </param>
/// <param name="Title">The title shown in the menu, after quote removal; variables are not expanded.</param>
/// <param name="Id">The <c>--id</c> (or <c>$menuentry_id_option</c>) value; for a BLS entry the file name without <c>.conf</c>. Null when there is none; GRUB then matches the title.</param>
/// <param name="Kernel">The path on the first <c>linux</c>, <c>linux16</c> or <c>linuxefi</c> line, as written.</param>
/// <param name="Initrd">Every path on the first <c>initrd</c>, <c>initrd16</c> or <c>initrdefi</c> line (for BLS: on every <c>initrd</c> line).</param>
/// <param name="Args">The rest of the kernel line (BLS: the first <c>options</c> line), single-spaced, variables unexpanded.</param>
/// <param name="Conditional">Defined inside an <c>if</c> or a loop (or under a submenu that is), so present only on some boots.</param>
public sealed record MenuEntry(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("kernel")] string? Kernel,
    [property: JsonPropertyName("initrd")] IReadOnlyList<string> Initrd,
    [property: JsonPropertyName("args")] string Args,
    [property: JsonPropertyName("conditional")] bool Conditional)
{
    /// <summary>The <c>--class</c> values (BLS: <c>grub_class</c>), in order.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>The grub.cfg line the entry starts on; for a BLS entry, the line of the <c>blscfg</c> command.</summary>
    [JsonIgnore]
    public int Line { get; init; }

    /// <summary>For a BLS entry, the snippet's file name (with <c>.conf</c>); null for a grub.cfg entry.</summary>
    [JsonIgnore]
    public string? BlsFileName { get; init; }

    /// <summary>Value equality, lists compared item by item (a record alone compares them by reference).</summary>
    public bool Equals(MenuEntry? other) =>
        other is not null
        && (Path, Title, Id, Kernel, Args, Conditional, Line, BlsFileName) == (other.Path, other.Title, other.Id, other.Kernel, other.Args, other.Conditional, other.Line, other.BlsFileName)
        && Initrd.SameItems(other.Initrd)
        && Classes.SameItems(other.Classes);

    public override int GetHashCode() => HashCode.Combine(Path, Title, Id, Kernel, Args, Conditional, Line, Initrd.Count);
}

/// <summary>The JSON document of <c>appliance entries --json</c>.</summary>
public sealed record MenuListing([property: JsonPropertyName("entries")] IReadOnlyList<MenuEntry> Entries);

/// <summary>A snippet from <c>/boot/loader/entries</c>: its file name (with <c>.conf</c>) and text.</summary>
public sealed record BlsFile(string Name, string Text);

/// <summary>
/// One item of a menu level: an entry (<see cref="Entry"/> set) or a submenu (<see cref="Children"/>).
/// <see cref="Path"/> follows the same rules as <see cref="MenuEntry.Path"/>.
/// </summary>
public sealed record MenuNode(string Path, string Title, string? Id, bool Conditional, MenuEntry? Entry, IReadOnlyList<MenuNode> Children)
{
    public bool IsSubmenu => Entry is null;
}

/// <summary>
/// The outcome of looking a reference up the way GRUB does. <see cref="Entry"/> is what the
/// reference selects, or null with <see cref="Problem"/> saying why and <see cref="Candidates"/>
/// listing the closest entries. <see cref="GrubWouldBoot"/> is what GRUB boots for this
/// reference: the entry itself, or when nothing matches, the first entry of the level where
/// matching failed (GRUB falls back to index 0 there, grub-core/normal/menu.c).
/// </summary>
public sealed record MenuLookup(MenuEntry? Entry, string? Problem, IReadOnlyList<MenuEntry> Candidates, MenuEntry? GrubWouldBoot)
{
    public bool Found => Entry is not null;

    /// <summary>The submenu the reference ended on, when it named one rather than an entry (GRUB then boots the submenu's first entry).</summary>
    public MenuNode? Submenu { get; init; }
}
