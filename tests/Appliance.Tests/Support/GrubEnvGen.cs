using System.Text;
using Appliance.Core.Grubenv;
using FsCheck;
using FsCheck.Fluent;

namespace Appliance.Tests.Support;

/// <summary>FsCheck generators for grubenv names, values, operation sequences and hostile blocks.</summary>
public static class GrubEnvGen
{
    /// <summary>Names that recur, so sequences overwrite and unset what they set; prefixes of each other on purpose.</summary>
    public static readonly string[] NamePool =
        ["a", "ab", "b", "saved_entry", "next_entry", "boot_once", "boot_success", "x\\", "\\", "é", "a b", "-opt", "@resp", "k#1", "中文"];

    private static readonly string[] NameChars =
        ["a", "b", "c", "x", "y", "z", "A", "Z", "0", "9", "_", "-", ".", " ", "\\", "#", "é", "中", "😀", "@", "$", "\t", ":", "+", "/"];

    private static readonly string[] ValuePieces =
        ["x", "y", "0", "1", " ", "\\", "\n", "=", "#", "é", "中", "😀", "\t", "\r", "\\\\", "\\n", "a=b", "\n#", "\\\n", "--", "@"];

    public static Gen<string> RandomName { get; } =
        from first in Gen.Elements(NameChars.Where(c => c != "#").ToArray())
        from n in Gen.Choose(0, 10)
        from rest in Gen.ArrayOf(Gen.Elements(NameChars), n)
        select first + string.Concat(rest);

    public static Gen<string> Name { get; } = Gen.Frequency((3, Gen.Elements(NamePool)), (2, RandomName));

    public static Gen<string> Value { get; } =
        from n in Gen.Frequency((2, Gen.Constant(0)), (12, Gen.Choose(1, 12)), (4, Gen.Choose(13, 60)), (1, Gen.Choose(61, 300)))
        from pieces in Gen.ArrayOf(Gen.Elements(ValuePieces), n)
        select string.Concat(pieces);

    public static Gen<EnvOp> Set { get; } =
        from n in Gen.Choose(1, 12)
        from pairs in Gen.ArrayOf(Gen.Zip(Name, Value), n)
        select (EnvOp)new SetOp(pairs.Select(p => (p.Item1, p.Item2)).ToArray());

    public static Gen<EnvOp> Unset { get; } =
        from n in Gen.Choose(1, 5)
        from names in Gen.ArrayOf(Name, n)
        select (EnvOp)new UnsetOp(names);

    public static Gen<EnvOp> Fill { get; } =
        from name in Name
        from delta in Gen.Elements(-3, -1, 0, 0, 0, 1, 2)
        from filler in Gen.Elements("x", "\\", "\n", "é", "中")
        select (EnvOp)new FillOp(name, delta, filler);

    public static Gen<EnvOp> Op { get; } = Gen.Frequency((6, Set), (2, Unset), (2, Fill));

    public static Gen<EnvOp[]> Ops { get; } =
        from n in Gen.Choose(1, 12)
        from ops in Gen.ArrayOf(Op, n)
        select ops;

    /// <summary>A block built by our own Set/Unset from a random session (batches that do not fit are dropped).</summary>
    public static Gen<byte[]> BuiltBlock { get; } =
        from warning in Gen.Elements(true, false)
        from ops in Ops
        select Build(warning, ops);

    /// <summary>
    /// A hand-assembled block GRUB accepts: records (duplicates included) and comment lines in any
    /// order, padded with '#' to 1024 bytes when they fit.
    /// </summary>
    public static Gen<byte[]> AssembledBlock { get; } =
        from n in Gen.Choose(0, 14)
        from lines in Gen.ArrayOf(Gen.Frequency(
            (4, Gen.Zip(Name, Value).Select(p => Record(p.Item1, p.Item2))),
            (1, Value.Select(v => "#" + v.Replace("\n", "") + "\n")),
            (1, Gen.Elements("#\n", "# comment = with equals\n", "#\\\nescaped newline in a comment\n"))), n)
        select Pad(Encoding.UTF8.GetBytes("# GRUB Environment Block\n" + string.Concat(lines)));

    public static Gen<byte[]> ValidBlock { get; } = Gen.Frequency((1, BuiltBlock), (1, AssembledBlock));

    private static readonly byte[] Specials = "\\=\n#\0 "u8.ToArray().Concat(new byte[] { 0xFF, 0xC3, 0x80 }).ToArray();

    /// <summary>One mutation; positions are fractions of the length at the time it is applied.</summary>
    public static Gen<Func<List<byte>, string>> Mutation { get; } = Gen.OneOf(
        from at in Gen.Choose(0, 9999)
        from bit in Gen.Choose(0, 7)
        select (Func<List<byte>, string>)(b =>
        {
            if (b.Count == 0)
            {
                return "flip (empty)";
            }

            int i = at * b.Count / 10000;
            b[i] ^= (byte)(1 << bit);
            return $"flip bit {bit} at {i}";
        }),
        from at in Gen.Choose(0, 10000)
        select (Func<List<byte>, string>)(b =>
        {
            int n = at * b.Count / 10000;
            b.RemoveRange(n, b.Count - n);
            return $"truncate to {n}";
        }),
        from at in Gen.Choose(0, 10000)
        from value in Gen.Frequency((4, Gen.Elements(Specials)), (1, Gen.Choose(0, 255).Select(v => (byte)v)))
        from keepSize in Gen.Elements(true, false)
        select (Func<List<byte>, string>)(b =>
        {
            int i = at * b.Count / 10000;
            b.Insert(i, value);
            if (keepSize)
            {
                b.RemoveAt(b.Count - 1);
            }

            return $"insert 0x{value:X2} at {i}{(keepSize ? ", keeping the size" : "")}";
        }),
        from at in Gen.Choose(0, 9999)
        from value in Gen.Frequency((4, Gen.Elements(Specials)), (1, Gen.Choose(0, 255).Select(v => (byte)v)))
        select (Func<List<byte>, string>)(b =>
        {
            if (b.Count == 0)
            {
                return "overwrite (empty)";
            }

            int i = at * b.Count / 10000;
            b[i] = value;
            return $"overwrite 0x{value:X2} at {i}";
        }),
        from at in Gen.Choose(0, 9999)
        select (Func<List<byte>, string>)(b =>
        {
            if (b.Count == 0)
            {
                return "delete (empty)";
            }

            int i = at * b.Count / 10000;
            b.RemoveAt(i);
            return $"delete at {i}";
        }));

    /// <summary>A valid block with 1 to 4 mutations applied, with a description of them.</summary>
    public static Gen<Sample> MutatedBlock { get; } =
        from block in ValidBlock
        from n in Gen.Choose(1, 4)
        from mutations in Gen.ArrayOf(Mutation, n)
        select Mutate(block, mutations);

    /// <summary>Random bytes: pure noise, or the signature followed by noise biased towards grubenv's special bytes.</summary>
    public static Gen<Sample> RandomBytes { get; } =
        from withSignature in Gen.Frequency((1, Gen.Constant(false)), (3, Gen.Constant(true)))
        from n in Gen.Frequency((1, Gen.Choose(0, 40)), (3, Gen.Choose(0, 1100)), (2, Gen.Constant(1024 - 25)))
        from tail in Gen.ArrayOf(Gen.Frequency((3, Gen.Choose(0, 255).Select(v => (byte)v)), (2, Gen.Elements(Specials)), (3, Gen.Elements("abc=x#\n"u8.ToArray()))), n)
        select new Sample(
            withSignature ? [.. GrubEnvBlock.Signature, .. tail] : tail,
            withSignature ? $"signature + {n} random bytes" : $"{n} random bytes");

    public static Gen<Sample> HostileBytes { get; } = Gen.Frequency((3, MutatedBlock), (1, RandomBytes));

    public sealed record Sample(byte[] Bytes, string How)
    {
        public override string ToString() => $"{How}: {Convert.ToBase64String(Bytes)}";
    }

    public static string Record(string name, string value) =>
        name + "=" + value.Replace("\\", "\\\\").Replace("\n", "\\\n") + "\n";

    private static byte[] Pad(byte[] bytes) =>
        bytes.Length >= GrubEnvBlock.DefaultSize ? bytes : [.. bytes, .. Enumerable.Repeat((byte)'#', GrubEnvBlock.DefaultSize - bytes.Length)];

    private static byte[] Build(bool warning, EnvOp[] ops)
    {
        var block = GrubEnvBlock.Create(withWarning: warning);
        foreach (var op in ops)
        {
            var next = block.Clone();
            try
            {
                op.ResolveAgainst(next).ApplyTo(next);
                block = next;
            }
            catch (GrubEnvException e) when (e.Kind == GrubEnvErrorKind.NoSpace)
            {
                // Dropped, as grub-editenv drops a batch that does not fit.
            }
        }

        return block.Bytes.ToArray();
    }

    private static Sample Mutate(byte[] block, Func<List<byte>, string>[] mutations)
    {
        var bytes = block.ToList();
        var how = mutations.Select(m => m(bytes)).ToList();
        return new Sample(bytes.ToArray(), "valid block, then " + string.Join("; ", how));
    }
}
