using System.Text;
using Appliance.Core.Grubenv;

namespace Appliance.Tests.Support;

/// <summary>
/// One step of a random grubenv session, as one <c>grub-editenv FILE set|unset ...</c> call:
/// a batch, all or nothing.
/// </summary>
public abstract record EnvOp
{
    public static string Show(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\t", "\\t").Replace("\r", "\\r") + "\"";
}

public sealed record SetOp(IReadOnlyList<(string Name, string Value)> Pairs) : EnvOp
{
    public override string ToString() => "set " + string.Join(' ', Pairs.Select(p => $"{Show(p.Name)}={Show(p.Value)}"));
}

public sealed record UnsetOp(IReadOnlyList<string> Names) : EnvOp
{
    public override string ToString() => "unset " + string.Join(' ', Names.Select(Show));
}

/// <summary>
/// Set <see cref="Name"/> to a value of <see cref="Filler"/> sized so the block ends exactly at
/// its last byte, plus <see cref="Delta"/> bytes (positive: that many bytes over). Resolved
/// into a <see cref="SetOp"/> against the block it is applied to.
/// </summary>
public sealed record FillOp(string Name, int Delta, string Filler) : EnvOp
{
    public override string ToString() => $"fill {Show(Name)} with {Show(Filler)} {Delta:+0;-0;+0}";

    public SetOp Resolve(GrubEnvBlock block)
    {
        ReadOnlySpan<byte> bytes = block.Bytes;
        int space = bytes.Length;
        while (space > 0 && bytes[space - 1] == (byte)'#')
        {
            space--;
        }

        int free = bytes.Length - space;
        string? current = block.Variables.FirstOrDefault(v => v.Name == Name).Value;
        int target = current is null
            ? free - (Encoding.UTF8.GetByteCount(Name) + 2)
            : EnvModel.EscapedLength(current) + free;
        return new SetOp([(Name, MakeValue(target + Delta))]);
    }

    private string MakeValue(int escapedLength)
    {
        int each = EnvModel.EscapedLength(Filler);
        int n = Math.Max(escapedLength, 0) / each;
        int rest = Math.Max(escapedLength, 0) - n * each;
        return string.Concat(Enumerable.Repeat(Filler, n)) + new string('x', rest);
    }
}

/// <summary>The meaning of a grubenv, as an ordered list: set replaces in place or appends, unset removes.</summary>
public sealed class EnvModel
{
    private readonly List<(string Name, string Value)> _vars = [];

    public IReadOnlyList<(string Name, string Value)> Variables => _vars;

    public EnvModel Clone()
    {
        var copy = new EnvModel();
        copy._vars.AddRange(_vars);
        return copy;
    }

    public void Apply(EnvOp op)
    {
        switch (op)
        {
            case SetOp set:
                foreach (var (name, value) in set.Pairs)
                {
                    int i = _vars.FindIndex(v => v.Name == name);
                    if (i >= 0)
                    {
                        _vars[i] = (name, value);
                    }
                    else
                    {
                        _vars.Add((name, value));
                    }
                }

                break;
            case UnsetOp unset:
                foreach (string name in unset.Names)
                {
                    int i = _vars.FindIndex(v => v.Name == name);
                    if (i >= 0)
                    {
                        _vars.RemoveAt(i);
                    }
                }

                break;
            default:
                throw new ArgumentException($"resolve {op} first");
        }
    }

    /// <summary>Bytes a value takes in the block: UTF-8, with '\' and newline escaped by a '\'.</summary>
    public static int EscapedLength(string value) =>
        Encoding.UTF8.GetByteCount(value) + value.Count(c => c is '\\' or '\n');
}

public static class EnvOpExtensions
{
    /// <summary>Applies a resolved batch to the block; on an error the caller discards the block, as grub-editenv exits without writing.</summary>
    public static void ApplyTo(this EnvOp op, GrubEnvBlock block)
    {
        switch (op)
        {
            case SetOp set:
                foreach (var (name, value) in set.Pairs)
                {
                    block.Set(name, value);
                }

                break;
            case UnsetOp unset:
                foreach (string name in unset.Names)
                {
                    block.Unset(name);
                }

                break;
            default:
                throw new ArgumentException($"resolve {op} first");
        }
    }

    public static ProcessResult RunGrubEditenv(this EnvOp op, string file) => op switch
    {
        SetOp set => GrubEditenv.Set(file, set.Pairs),
        UnsetOp unset => GrubEditenv.Unset(file, unset.Names),
        _ => throw new ArgumentException($"resolve {op} first"),
    };

    public static EnvOp ResolveAgainst(this EnvOp op, GrubEnvBlock block) => op is FillOp fill ? fill.Resolve(block) : op;

    public static (string Name, string Value)[] Pairs(this IEnumerable<GrubEnvVariable> variables) =>
        variables.Select(v => (v.Name, v.Value)).ToArray();
}
