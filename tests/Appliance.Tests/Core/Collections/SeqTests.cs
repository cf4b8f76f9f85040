using Appliance.Core.Collections;

namespace Appliance.Tests.Core.Collections;

public sealed class SeqTests
{
    [Fact]
    public void Map_Items_KeepsOrder()
    {
        Assert.Equal(["1", "2", "3"], new[] { 1, 2, 3 }.Map(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Filter_Items_KeepsOrderOfAccepted()
    {
        Assert.Equal([4, 2], new List<int> { 4, 1, 2, 3 }.Filter(i => i % 2 == 0));
    }

    [Fact]
    public void SortedBy_EqualKeys_KeepTheirOrder()
    {
        var items = new[] { ("b", 1), ("a", 2), ("b", 0), ("a", 1), ("c", 9), ("a", 0) };

        var sorted = items.SortedBy(p => p.Item1, StringComparer.Ordinal);

        Assert.Equal([("a", 2), ("a", 1), ("a", 0), ("b", 1), ("b", 0), ("c", 9)], sorted);
    }

    [Fact]
    public void SortedByDescending_EqualKeys_KeepTheirOrder()
    {
        var items = new[] { (1, "x"), (3, "y"), (1, "z"), (3, "w") };

        Assert.Equal([(3, "y"), (3, "w"), (1, "x"), (1, "z")], items.SortedByDescending(p => p.Item1));
    }

    [Fact]
    public void SortedOrdinal_MixedCase_IsOrdinal()
    {
        Assert.Equal(["B", "a", "b"], new[] { "b", "B", "a" }.SortedOrdinal());
    }

    [Fact]
    public void SortedBy_RandomInput_AgreesWithEnumerableOrderBy()
    {
        var random = new Random(20261204);
        for (int run = 0; run < 200; run++)
        {
            var items = new List<(int Key, int Id)>();
            for (int i = random.Next(0, 40); i > 0; i--)
            {
                items.Add((random.Next(0, 6), items.Count));
            }

            Assert.Equal(Enumerable.OrderBy(items, p => p.Key).ToList(), items.SortedBy(p => p.Key));
            Assert.Equal(Enumerable.OrderByDescending(items, p => p.Key).ToList(), items.SortedByDescending(p => p.Key));
        }
    }

    [Fact]
    public void Exists_Match_StopsAtFirst()
    {
        var seen = new List<int>();

        Assert.True(new[] { 1, 2, 3, 2 }.Exists(i =>
        {
            seen.Add(i);
            return i == 2;
        }));
        Assert.Equal([1, 2], seen);
        Assert.False(Array.Empty<int>().Exists(_ => true));
    }

    [Fact]
    public void TrueForAll_String_ChecksEveryChar()
    {
        Assert.True("ab12".TrueForAll(char.IsAsciiLetterOrDigit));
        Assert.False("ab-12".TrueForAll(char.IsAsciiLetterOrDigit));
        Assert.True("".TrueForAll(_ => false));
    }

    [Fact]
    public void Find_NoMatch_GivesDefault()
    {
        IEnumerable<string> words = ["a", "bb", "cc"];

        Assert.Equal("bb", words.Find(w => w.Length == 2));
        Assert.Null(words.Find(w => w.Length == 3));
        Assert.Equal(0, new[] { 1, 2 }.Find(i => i > 5));
    }

    [Fact]
    public void FindLast_SeveralMatches_GivesTheLast()
    {
        IReadOnlyList<string> words = ["a", "bb", "cc", "d"];

        Assert.Equal("cc", words.FindLast(w => w.Length == 2));
        Assert.Null(words.FindLast(w => w.Length == 3));
    }

    [Fact]
    public void From_AnyStart_AgreesWithEnumerableSkip()
    {
        IReadOnlyList<int> items = [1, 2, 3];
        for (int start = -2; start <= 5; start++)
        {
            Assert.Equal(Enumerable.Skip(items, start).ToList(), items.From(start));
        }
    }

    [Fact]
    public void SameItems_Lists_CompareItemsInOrder()
    {
        IReadOnlyList<string> items = ["x", "y"];
        IReadOnlyList<string> none = [];

        Assert.True(items.SameItems(new List<string> { "x", "y" }));
        Assert.False(items.SameItems(["y", "x"]));
        Assert.False(items.SameItems(["x"]));
        Assert.False(items.SameItems(["x", "y", "z"]));
        Assert.True(none.SameItems([]));
    }
}
