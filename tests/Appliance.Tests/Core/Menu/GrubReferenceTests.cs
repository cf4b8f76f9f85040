using Appliance.Core.Menu;
using FsCheck;
using FsCheck.Fluent;

namespace Appliance.Tests.Core.Menu;

/// <summary>
/// The one-lookup table menu paths are built with (<see cref="GrubReference.FirstIndexByKey"/>)
/// against the level scan GRUB's rules are written as (<see cref="GrubReference.Select"/>).
/// </summary>
public sealed class GrubReferenceTests
{
    // Shared titles and ids, '>' to escape, text that reads as a number, the empty title.
    private static readonly string[] Keys = ["a", "b", "a>b", "a>>", ">", "", "0", "1x", "c d"];

    private static readonly Gen<(string Title, string? Id)[]> Levels =
        Gen.Choose(0, 8).SelectMany(n => Gen.ArrayOf(
            from title in Gen.Elements(Keys)
            from id in Gen.Frequency((1, Gen.Constant<string?>(null)), (2, Gen.Elements(Keys).Select(k => (string?)k)))
            select (title, id),
            n));

    [Fact]
    public void FirstIndexByKey_EveryTitleAndIdAsAWholeComponent_SelectsWhatTheLevelScanSelects()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true), Prop.ForAll(Arb.From(Levels), level =>
        {
            var table = GrubReference.FirstIndexByKey(level);
            foreach (var (title, id) in level)
            {
                foreach (string choice in id is null ? [title] : new[] { id, title })
                {
                    foreach (string spec in new[] { GrubReference.Escape(choice), GrubReference.Escape(choice) + ">" })
                    {
                        if (!GrubReference.TryParseNumber(spec, out _))
                        {
                            Assert.Equal(GrubReference.Select(level, spec, out _), table.GetValueOrDefault(choice, -1));
                        }
                    }
                }
            }
        }));
    }

    [Fact]
    public void FirstIndexByKey_TitleSharedWithAnEarlierId_IsTheEarlierItem()
    {
        (string Title, string? Id)[] level = [("x", "shared"), ("shared", null), ("y", "x")];

        var table = GrubReference.FirstIndexByKey(level);

        Assert.Equal(0, table["shared"]);
        Assert.Equal(0, table["x"]);
        Assert.Equal(2, table["y"]);
    }
}
