using System.Text.Json;
using Appliance.Core.Json;
using Appliance.Core.Menu;
using FsCheck;
using FsCheck.Fluent;
using GrubMenu = Appliance.Core.Menu.Menu;

namespace Appliance.Tests.Core.Menu;

/// <summary>
/// The parser, BLS reader and resolver against hostile input: arbitrary strings, soups of GRUB
/// syntax, and the real fixtures with ranges deleted, duplicated, swapped, truncated or spiked
/// with syntax. Parsing either succeeds or throws <see cref="GrubConfigException"/> with a line
/// inside the text; a menu that parses resolves every entry's own path back to it, numbers its
/// top level consistently, and serializes; lookups of arbitrary references never throw.
/// </summary>
public sealed class GrubConfigParserFuzzTests
{
    private static Config Runs(int n) => Config.QuickThrowOnFailure.WithMaxTest(n).WithQuietOnSuccess(true);

    /// <summary>Snippets with hostile names and text; when <c>AllBoot</c>, every one starts with a <c>linux</c> line.</summary>
    private static readonly Gen<(bool AllBoot, BlsFile[] Files)> HostileSnippets =
        from allBoot in Gen.Elements(true, false)
        from n in Gen.Choose(0, 8)
        from files in Gen.ArrayOf(
            from name in Gen.Frequency((3, Gen.Elements("a-1.0-1", "a-1.0-2", "a-1.00-2", "b-2-1", "0-rescue", "x", "-", "--", "a--1", "k-1.0~rc1-1", "k-1.0+p-1", "k-1.0-1")), (1, MenuGen.SyntaxSoup))
            from suffix in Gen.Frequency((5, Gen.Constant(".conf")), (1, Gen.Elements("", ".txt", ".CONF")))
            from boot in allBoot ? Gen.Constant(true) : Gen.Elements(true, false)
            from text in MenuGen.AnyText
            select new BlsFile(name + suffix, (boot ? "linux /k\n" : string.Empty) + text),
            n)
        select (allBoot, files);

    /// <summary>Everything a successfully parsed menu must satisfy.</summary>
    private static void AssertWellFormed(GrubMenu menu)
    {
        foreach (MenuEntry entry in menu.Entries)
        {
            Assert.Same(entry, menu.Resolve(entry.Path));
            Assert.NotNull(entry.Title);
            Assert.DoesNotContain(entry.Initrd, string.IsNullOrEmpty);
            int? index = menu.TopLevelIndexOf(entry);
            if (index is { } k)
            {
                Assert.Same(entry, menu.Items[k].Entry);
            }
        }

        Assert.Equal(menu.Entries.Count, Count(menu.Items));
        Assert.StartsWith("{\"entries\":[", JsonSerializer.Serialize(new MenuListing(menu.Entries), ApplianceJsonContext.Default.MenuListing));
    }

    private static int Count(IReadOnlyList<MenuNode> level) => level.Sum(n => n.Entry is null ? Count(n.Children) : 1);

    /// <summary>Parses, and returns whether it was accepted; a rejection must be a format error pointing into the text.</summary>
    private static bool ParsesOrRejectsCleanly(string text, IReadOnlyList<BlsFile> snippets)
    {
        GrubMenu menu;
        try
        {
            menu = GrubConfigParser.Parse(text, _ => snippets);
        }
        catch (GrubConfigException e)
        {
            int lines = text.Replace("\r", string.Empty, StringComparison.Ordinal).Count(c => c == '\n') + 1;
            Assert.InRange(e.Line, 1, lines);
            Assert.False(string.IsNullOrWhiteSpace(e.Problem));
            return false;
        }

        AssertWellFormed(menu);
        return true;
    }

    [Fact]
    public void Parse_ArbitraryTextAndSyntaxSoup_AcceptsOrThrowsFormatErrorOnly()
    {
        int accepted = 0;
        int rejected = 0;
        Check.One(Runs(5000), Prop.ForAll(Arb.From(MenuGen.AnyText), text =>
        {
            if (ParsesOrRejectsCleanly(text, []))
            {
                accepted++;
            }
            else
            {
                rejected++;
            }
        }));

        Assert.True(accepted > 100 && rejected > 100, $"accepted {accepted}, rejected {rejected}: the generator should reach both outcomes");
    }

    [Fact]
    public void Parse_MutatedFixtures_AcceptsOrThrowsFormatErrorOnlyAndAcceptedMenusAreWellFormed()
    {
        int accepted = 0;
        int rejected = 0;
        int entries = 0;
        var all = MenuFixtures.All().ToDictionary(f => f.Name);
        Check.One(Runs(3000), Prop.ForAll(Arb.From(MenuGen.MutatedFixture), c =>
        {
            var (_, text, snippets) = all[c.Fixture];
            string mutated = MenuGen.Apply(text, c.Mutations);
            if (ParsesOrRejectsCleanly(mutated, snippets))
            {
                accepted++;
                entries += GrubConfigParser.Parse(mutated, _ => snippets).Entries.Count;
            }
            else
            {
                rejected++;
            }
        }));

        Assert.True(accepted > 300 && rejected > 300 && entries > 1000, $"accepted {accepted} (with {entries} entries), rejected {rejected}");
    }

    [Fact]
    public void Parse_HostileBlsSnippets_NeverThrowAndEachEntryIsNewerThanTheNext()
    {
        Check.One(Runs(3000), Prop.ForAll(Arb.From(HostileSnippets), c =>
        {
            var menu = GrubConfigParser.Parse("blscfg\n", _ => c.Files);

            AssertWellFormed(menu);
            if (c.AllBoot)
            {
                // Insertion keeps neighbours in order; snippets without linux would leave gaps.
                for (int i = 1; i < menu.Entries.Count; i++)
                {
                    Assert.Equal(1, RpmVersion.CompareFileNames(menu.Entries[i - 1].Id!, menu.Entries[i].Id!));
                }
            }
        }));
    }

    [Fact]
    public void Lookup_ArbitraryReferences_NeverThrowAndAgreeWithResolve()
    {
        var menus = MenuFixtures.ClassicConfigs.Concat(MenuFixtures.BlsTrees).Select(MenuFixtures.Parse).ToList();
        var references =
            from menu in Gen.Elements(menus.ToArray())
            from reference in Gen.Frequency(
                (2, MenuGen.AnyText),
                (2, Gen.Elements(menu.Entries.Select(e => e.Path).ToArray()).SelectMany(p => MenuGen.SyntaxSoup.Select(s => p + s))),
                (1, Gen.Elements(menu.Entries.Select(e => e.Title).ToArray())))
            select (menu, reference);

        Check.One(Runs(3000), Prop.ForAll(Arb.From(references), c =>
        {
            var lookup = c.menu.Lookup(c.reference);

            Assert.Same(lookup.Entry, c.menu.Resolve(c.reference));
            if (lookup.Found)
            {
                Assert.Contains(lookup.Entry, c.menu.Entries);
                Assert.Same(lookup.Entry, lookup.GrubWouldBoot);
                Assert.Null(lookup.Problem);
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(lookup.Problem));
                Assert.InRange(lookup.Candidates.Count, 1, 3);
            }
        }));
    }

    [Fact]
    public void Compare_ArbitraryVersions_IsAntisymmetricAndReflexive()
    {
        var versions = Gen.Frequency(
            (1, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? string.Empty)),
            (3, Gen.ArrayOf(Gen.Elements("0", "1", "9", "10", "007", ".", "-", "~", "+", "a", "b", "rc", "fc35", "_", "^", "é"), 8).Select(string.Concat)));

        Check.One(Runs(5000), Prop.ForAll(Arb.From(Gen.Zip(versions, versions)), pair =>
        {
            var (a, b) = pair;
            Assert.Equal(0, RpmVersion.Compare(a, a));
            Assert.Equal(-RpmVersion.Compare(a, b), RpmVersion.Compare(b, a));
            Assert.Equal(-RpmVersion.CompareFileNames(a, b), RpmVersion.CompareFileNames(b, a));
        }));
    }
}
