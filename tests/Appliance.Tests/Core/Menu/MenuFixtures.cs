using Appliance.Core.Menu;
using GrubMenu = Appliance.Core.Menu.Menu;

namespace Appliance.Tests.Core.Menu;

/// <summary>The real-world configs in Fixtures/grub (see SOURCES.md there), parsed.</summary>
public static class MenuFixtures
{
    public static readonly string[] ClassicConfigs =
    [
        "ubuntu-18.04-uefi.grub.cfg",
        "ubuntu-22.04-uefi-desktop.grub.cfg",
        "debian-10-osprober-arch.grub.cfg",
        "centos-7-lvm.grub.cfg",
        "manjaro-2020-12-uefi.grub.cfg",
        "generated/debian-12-grub-mkconfig.grub.cfg",
        "generated/debian-12-guest-one-kernel.grub.cfg",
    ];

    public static readonly string[] BlsTrees = ["fedora-35-cloud-bls", "centos-stream-8-lvm-bls"];

    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "grub");

    public static string PathOf(string relative) => Path.Combine(Directory, relative);

    public static string Text(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>A classic config, or the grub.cfg of a BLS tree with its loader/entries snippets.</summary>
    public static GrubMenu Parse(string name) =>
        BlsTrees.Contains(name)
            ? GrubConfigParser.Parse(Text(Path.Combine(name, "grub.cfg")), _ => Snippets(name))
            : GrubConfigParser.Parse(Text(name));

    /// <summary>Every fixture config as text, with the BLS snippets its tree holds (none for a classic config).</summary>
    public static IEnumerable<(string Name, string Text, IReadOnlyList<BlsFile> Snippets)> All() =>
        ClassicConfigs.Select(c => (c, Text(c), (IReadOnlyList<BlsFile>)[]))
            .Concat(BlsTrees.Select(t => (t, Text(Path.Combine(t, "grub.cfg")), Snippets(t))));

    public static IReadOnlyList<BlsFile> Snippets(string tree) =>
        System.IO.Directory.GetFiles(PathOf(Path.Combine(tree, "loader", "entries")))
            .Order(StringComparer.Ordinal)
            .Select(f => new BlsFile(Path.GetFileName(f), File.ReadAllText(f)))
            .ToList();

    public static TheoryData<string> AllNames() => [.. ClassicConfigs, .. BlsTrees];

    /// <summary>A system tree holding a fixture: a classic config in boot/grub, a BLS tree in boot/grub2 plus boot/loader/entries.</summary>
    public static void InstallInto(Support.TempDir root, string fixture)
    {
        if (BlsTrees.Contains(fixture))
        {
            root.Write("boot/grub2/grub.cfg", Text(Path.Combine(fixture, "grub.cfg")));
            File.Copy(PathOf(Path.Combine(fixture, "grubenv")), root.File("boot/grub2/grubenv"));
            foreach (var snippet in Snippets(fixture))
            {
                root.Write($"boot/loader/entries/{snippet.Name}", snippet.Text);
            }
        }
        else
        {
            root.Write("boot/grub/grub.cfg", Text(fixture));
        }
    }
}
