using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace Appliance.Tests.Core.Menu;

/// <summary>FsCheck generators for hostile GRUB configs: syntax soups and edited real-world fixtures.</summary>
public static class MenuGen
{
    public static readonly string[] Syntax =
    [
        "menuentry", "submenu", "function", "if", "then", "elif", "else", "fi", "for", "in", "do", "done", "while", "until",
        "blscfg", "linux", "linux16", "initrd", "initrdefi", "--id", "--id=", "--class", "--source", "--", "-", "$menuentry_id_option",
        "'", "\"", "'\\''", "\\", "\\\n", "$", "${", "${x}", "$x", "$\"", "{", "}", ";", ";;", "\n", "\r\n", "\t", " ", "  ",
        "#", "# c\n", "|", "&", "<", ">", ">>", "=", "0", "1", "0x", "09", "a", "T", "é", "中", "\0", "[", "]", "!",
        "[[", "]]", "function f", "$1", "${1}", "$?", "true",
    ];

    public static readonly string[] Fixtures = [.. MenuFixtures.All().Select(f => f.Name)];

    public static readonly Gen<string> SyntaxSoup =
        from n in Gen.Choose(0, 60)
        from pieces in Gen.ArrayOf(Gen.Elements(Syntax), n)
        select string.Concat(pieces);

    public static readonly Gen<string> AnyText = Gen.Frequency(
        (1, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? string.Empty)),
        (3, SyntaxSoup));

    /// <summary>
    /// One edit to a fixture; positions are fractions of the text's length, a range is up to 400
    /// characters, widened to whole lines when <see cref="WholeLines"/> (which keeps more results parseable).
    /// </summary>
    public sealed record Mutation(int Kind, bool WholeLines, double At, double To, double Length, string Insert)
    {
        public string Apply(string text)
        {
            int at = (int)(At * text.Length);
            int length = Math.Min((int)(Length * 400), text.Length - at);
            if (WholeLines)
            {
                at = at == 0 ? 0 : text.LastIndexOf('\n', at - 1) + 1;
                int end = text.IndexOf('\n', Math.Min(text.Length, at + length));
                length = (end < 0 ? text.Length : end + 1) - at;
            }

            string piece = text.Substring(at, length);
            string without = text.Remove(at, length);
            return Kind switch
            {
                0 => without,
                1 => text.Insert(at, piece),
                2 => text.Insert(at, Insert),
                3 => text[..at],
                4 => without.Insert((int)(To * without.Length), piece),
                _ => without.Insert(at, Insert),
            };
        }

        public override string ToString() => $"kind {Kind}{(WholeLines ? " lines" : "")} at {At:F3} to {To:F3} length {Length:F3} insert {JsonSerializer.Serialize(Insert)}";
    }

    public static readonly Gen<double> Fraction = Gen.Choose(0, 1000).Select(n => n / 1000.0);

    public static readonly Gen<Mutation> MutationGen =
        from kind in Gen.Choose(0, 5)
        from wholeLines in Gen.Elements(true, false)
        from at in Fraction
        from to in Fraction
        from length in Fraction
        from n in Gen.Choose(1, 4)
        from pieces in Gen.ArrayOf(Gen.Elements(Syntax), n)
        select new Mutation(kind, wholeLines, at, to, length, string.Concat(pieces));

    public static readonly Gen<(string Fixture, Mutation[] Mutations)> MutatedFixture =
        from fixture in Gen.Elements(Fixtures)
        from n in Gen.Choose(1, 5)
        from mutations in Gen.ArrayOf(MutationGen, n)
        select (fixture, mutations);

    public static string Apply(string text, IEnumerable<Mutation> mutations) => mutations.Aggregate(text, (t, m) => m.Apply(t));
}
