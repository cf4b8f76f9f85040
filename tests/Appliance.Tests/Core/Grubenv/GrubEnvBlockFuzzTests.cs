using System.Text;
using Appliance.Core.Grubenv;
using Appliance.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Appliance.Tests.Core.Grubenv;

/// <summary>
/// The parser against hostile bytes (noise, and valid blocks with bits flipped, bytes inserted,
/// removed or overwritten, truncated): it rejects with a Corrupt GrubEnvException or accepts, and
/// a block it accepts means to us what it means to GRUB, and edits the way grub-editenv edits it.
/// </summary>
public sealed class GrubEnvBlockFuzzTests
{
    /// <summary>An edit to try on a block: a name, or the index of one of the block's own names, and a value (null: unset).</summary>
    public sealed record Edit(string Name, int ExistingIndex, bool UseExisting, string? Value)
    {
        public string NameIn(GrubEnvBlock block)
        {
            var names = block.Variables.Where(v => v.IsUtf8).Select(v => v.Name).Where(n => GrubEnvBlock.NameProblem(n) is null).ToList();
            return UseExisting && names.Count > 0 ? names[ExistingIndex % names.Count] : Name;
        }

        public override string ToString() => $"{(Value is null ? "unset" : "set")} {(UseExisting ? $"existing #{ExistingIndex}" : EnvOp.Show(Name))}{(Value is null ? "" : "=" + EnvOp.Show(Value))}";
    }

    private static readonly Gen<Edit> EditGen =
        from name in GrubEnvGen.Name
        from index in Gen.Choose(0, 50)
        from existing in Gen.Elements(true, false)
        from value in Gen.Frequency((3, GrubEnvGen.Value.Select(v => (string?)v)), (1, Gen.Constant((string?)null)))
        select new Edit(name, index, existing, value);

    private static readonly Gen<(GrubEnvGen.Sample Sample, Edit[] Edits)> CaseGen =
        from sample in GrubEnvGen.HostileBytes
        from n in Gen.Choose(1, 6)
        from edits in Gen.ArrayOf(EditGen, n)
        select (sample, edits);

    [Fact]
    public void Parse_HostileBytes_AcceptsOrThrowsCorruptOnly_AndEditsKeepBlockValidOrChangeNothing()
    {
        int accepted = 0, rejected = 0, edits = 0, failedEdits = 0;
        Check.One(Properties.Runs(4000), Prop.ForAll(Arb.From(CaseGen), c =>
        {
            byte[] bytes = c.Sample.Bytes;
            GrubEnvBlock block;
            try
            {
                block = GrubEnvBlock.Parse(bytes);
            }
            catch (GrubEnvException e)
            {
                Assert.Equal(GrubEnvErrorKind.Corrupt, e.Kind);
                Assert.InRange(e.Offset ?? -1, 0, bytes.Length);
                Assert.Contains($"at byte {e.Offset}", e.Message);
                rejected++;
                return;
            }

            accepted++;
            Assert.Equal(bytes, block.Bytes.ToArray());
            foreach (var variable in block.Variables)
            {
                Assert.NotNull(block.Get(variable.Name));
            }

            foreach (var edit in c.Edits)
            {
                edits++;
                byte[] before = block.Bytes.ToArray();
                string name = edit.NameIn(block);
                try
                {
                    if (edit.Value is null)
                    {
                        block.Unset(name);
                    }
                    else
                    {
                        block.Set(name, edit.Value);
                        Assert.Equal(edit.Value, block.Variables.First(v => v.Name == name).Value);
                    }
                }
                catch (GrubEnvException)
                {
                    failedEdits++;
                    Assert.Equal(before, block.Bytes.ToArray());
                    continue;
                }

                Assert.Equal(before.Length, block.Size);
                GrubEnvBlock.Parse(block.Bytes);
            }
        }));

        Assert.True(accepted >= 800 && rejected >= 800, $"accepted {accepted}, rejected {rejected}: the generator should give plenty of both");
        TestContext.Current.TestOutputHelper?.WriteLine($"parser fuzz: {accepted} accepted, {rejected} rejected, {edits} edits on accepted blocks ({failedEdits} refused)");
    }

    [Fact]
    public void Parse_AcceptedHostileBlocks_SameVariablesAsGrubEditenvList_AndEditsSameAsGrubEditenv()
    {
        int compared = 0, edits = 0, bothFailed = 0, refusedInvisible = 0;
        Check.One(Properties.Runs(1500), Prop.ForAll(Arb.From(CaseGen), c =>
        {
            GrubEnvBlock block;
            try
            {
                block = GrubEnvBlock.Parse(c.Sample.Bytes);
            }
            catch (GrubEnvException)
            {
                return;
            }

            compared++;
            using var dir = new TempDir();
            string file = dir.File("grubenv");
            File.WriteAllBytes(file, c.Sample.Bytes);
            Assert.Equal(Encoding.UTF8.GetString(GrubEditenv.List(file)), Encoding.UTF8.GetString(GrubEditenv.ListingOf(block.Variables.Pairs())));

            // One edit per block through grub-editenv: the same outcome, the same bytes.
            var edit = c.Edits[0];
            string name = edit.NameIn(block);
            EnvOp op = edit.Value is null ? new UnsetOp([name]) : new SetOp([(name, edit.Value)]);
            edits++;
            var next = block.Clone();
            GrubEnvException? error = null;
            try
            {
                op.ApplyTo(next);
            }
            catch (GrubEnvException e)
            {
                error = e;
            }

            byte[] listedBefore = GrubEditenv.List(file);
            ProcessResult grub = op.RunGrubEditenv(file);
            if (error is null)
            {
                Assert.True(grub.ExitCode == 0, $"{op}: we succeeded, but {grub}");
                Assert.Equal(next.Bytes.ToArray(), File.ReadAllBytes(file));
            }
            else if (error.Message.Contains("escaped by a") && grub.ExitCode == 0)
            {
                // Where we refuse and grub-editenv does not, GRUB cannot see what it wrote.
                refusedInvisible++;
                Assert.Equal(listedBefore, GrubEditenv.List(file));
            }
            else
            {
                // grub-editenv reports a block without a newline before its '#' padding as
                // "too small" too: it cannot tell where the free space starts.
                bothFailed++;
                Assert.True(grub.ExitCode == 1 && grub.Stderr.Contains(GrubEditenv.TooSmall), $"{op}: we failed with {error.Message}, but {grub}");
                Assert.Equal(c.Sample.Bytes, File.ReadAllBytes(file));
            }
        }));

        Assert.True(compared >= 300, $"only {compared} accepted blocks were compared with grub-editenv");
        TestContext.Current.TestOutputHelper?.WriteLine($"grub agreement: {compared} accepted hostile blocks listed, {edits} edits compared ({bothFailed} refused by both, {refusedInvisible} refused by us as invisible to GRUB)");
    }

    [Theory]
    [InlineData("a=x\0y\n", "value")]
    [InlineData("a\0b=1\n", "name")]
    public void Parse_RecordGrubWouldReadDifferently_ThrowsCorrupt(string record, string expected)
    {
        byte[] bytes = GrubEnvBlock.Create().Bytes.ToArray();
        byte[] raw = record.Select(ch => (byte)ch).ToArray();
        raw.CopyTo(bytes, 94);

        var e = Assert.Throws<GrubEnvException>(() => GrubEnvBlock.Parse(bytes));

        Assert.Equal(GrubEnvErrorKind.Corrupt, e.Kind);
        Assert.Equal(94, e.Offset);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Parse_ValueNotUtf8_AcceptedShownWithReplacementAndBytesKeptThroughEdits()
    {
        // A Latin-1 title written by another tool: GRUB loads it, so it must not lock us out.
        byte[] bytes = GrubEnvBlock.Create().Bytes.ToArray();
        byte[] record = [.. "title=caf"u8, 0xE9, (byte)'\n', .. "\xc3=1\n"u8];
        record.CopyTo(bytes, 94);
        byte[] latin1Record = bytes[94..(94 + 11)];

        var block = GrubEnvBlock.Parse(bytes);
        block.Set("appliance_trial", "1>2");
        block.Unset("\xc3");

        var title = block.Variables.Single(v => v.Offset == 94);
        Assert.Equal(("title", "caf\uFFFD", false), (title.Name, title.Value, title.IsUtf8));
        Assert.True(block.Variables.Single(v => v.Name == "appliance_trial").IsUtf8);
        Assert.Equal(latin1Record, block.Bytes[94..(94 + 11)].ToArray());
        using var dir = new TempDir();
        string file = dir.NewGrubEnv(contents: block.Bytes.ToArray());
        Assert.Equal([.. "title=caf"u8, 0xE9, .. "\nappliance_trial=1>2\n"u8], GrubEditenv.List(file));
    }

    [Fact]
    public void Parse_NulAndInvalidUtf8InComments_Accepted()
    {
        byte[] bytes = GrubEnvBlock.Create().Bytes.ToArray();
        new byte[] { (byte)'#', 0, 0xFF, 0xC3, (byte)'\n', (byte)'a', (byte)'=', (byte)'1', (byte)'\n' }.CopyTo(bytes, 94);

        var block = GrubEnvBlock.Parse(bytes);

        Assert.Equal([("a", "1")], block.Variables.Pairs());
    }

    [Fact]
    public void Set_NewVariableAfterLineEndingInEscapedNewline_ThrowsCorruptAndChangesNothing()
    {
        // A comment ending in '\' escapes the newline before the padding: grub-editenv would
        // append there and the variable would be part of the comment, invisible to GRUB.
        byte[] bytes = GrubEnvBlock.Create().Bytes.ToArray();
        "#note\\\n"u8.CopyTo(bytes.AsSpan(94));
        var block = GrubEnvBlock.Parse(bytes);

        var e = Assert.Throws<GrubEnvException>(() => block.Set("a", "1"));

        Assert.Equal(GrubEnvErrorKind.Corrupt, e.Kind);
        Assert.Equal(100, e.Offset);
        Assert.Equal(bytes, block.Bytes.ToArray());
        using var dir = new TempDir();
        string file = dir.NewGrubEnv(contents: bytes);
        GrubEditenv.Ok(GrubEditenv.Set(file, [("a", "1")]));
        Assert.Empty(GrubEditenv.List(file));
    }
}
