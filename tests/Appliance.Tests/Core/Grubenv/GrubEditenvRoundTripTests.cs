using Appliance.Core.Grubenv;
using Appliance.Linux.Files;
using Appliance.Linux.Grubenv;
using Appliance.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Appliance.Tests.Core.Grubenv;

/// <summary>
/// GrubEnvBlock against the real grub-editenv, both ways, on thousands of random names and
/// values: the same operations give the same bytes (failures included), what we write GRUB
/// lists as we meant it, and what GRUB writes we read as it meant it.
/// </summary>
public sealed class GrubEditenvRoundTripTests
{
    [Fact]
    public void Create_SameAsGrubEditenvCreate_ByteIdentical()
    {
        using var dir = new TempDir();
        string file = dir.File("grubenv");

        GrubEditenv.Create(file);

        Assert.Equal(GrubEnvBlock.Create().Bytes.ToArray(), File.ReadAllBytes(file));
    }

    [Fact]
    public void SetUnsetSequences_AppliedByBothSides_ByteIdenticalIncludingNoSpaceFailures()
    {
        var tally = new Tally();
        Check.One(Properties.Runs(150), Prop.ForAll(Arb.From(GrubEnvGen.Ops), (EnvOp[] ops) => SameBytesAsGrubEditenv(ops, tally)));

        // The generators must reach what this property is about, or it proves little.
        Assert.True(tally.Pairs >= 2000, $"only {tally.Pairs} assignments were tried");
        Assert.True(tally.NoSpace >= 20, $"only {tally.NoSpace} batches did not fit");
        Assert.True(tally.ExactlyFull >= 20, $"only {tally.ExactlyFull} blocks were filled to the last byte");
        Assert.True(tally.Overwrites >= 200, $"only {tally.Overwrites} values were overwritten");
        TestContext.Current.TestOutputHelper?.WriteLine($"round trip: {tally}");
    }

    [Fact]
    public void GrubEditenvList_OfWhatWeWrite_ListsOurVariables()
    {
        var tally = new Tally();
        Check.One(Properties.Runs(80), Prop.ForAll(Arb.From(GrubEnvGen.Ops), (EnvOp[] ops) =>
        {
            using var dir = new TempDir();
            string path = dir.NewGrubEnv();
            var file = new GrubEnvFile(path, LinuxFileSteps.Instance, new FakeTimeProvider());
            var model = new EnvModel();
            foreach (var op in ops)
            {
                EnvOp batch = op.ResolveAgainst(file.Read());
                tally.Count(batch);
                try
                {
                    file.Update(batch.ApplyTo);
                    model.Apply(batch);
                }
                catch (FileProblemException e) when (e.Kind == FileProblemKind.NoSpace)
                {
                    tally.NoSpace++;
                }
            }

            byte[] listed = GrubEditenv.List(path);
            Assert.Equal(GrubEditenv.ListingOf(model.Variables), listed);
            Assert.Equal(GrubEditenv.ListingOf(file.Read().Variables.Pairs()), listed);
        }));

        Assert.True(tally.Pairs >= 1000, $"only {tally.Pairs} assignments were tried");
        TestContext.Current.TestOutputHelper?.WriteLine($"grub-editenv list of ours: {tally}");
    }

    [Fact]
    public void GrubEnvFileRead_OfWhatGrubEditenvWrites_SameVariablesAsGrub()
    {
        var tally = new Tally();
        Check.One(Properties.Runs(80), Prop.ForAll(Arb.From(GrubEnvGen.Ops), (EnvOp[] ops) =>
        {
            using var dir = new TempDir();
            string path = dir.File("grubenv");
            GrubEditenv.Create(path);
            var model = new EnvModel();
            foreach (var op in ops)
            {
                EnvOp batch = op.ResolveAgainst(GrubEnvBlock.Parse(File.ReadAllBytes(path)));
                tally.Count(batch);
                var result = batch.RunGrubEditenv(path);
                if (result.ExitCode == 0)
                {
                    model.Apply(batch);
                }
                else
                {
                    Assert.Contains(GrubEditenv.TooSmall, result.Stderr);
                    tally.NoSpace++;
                }
            }

            var read = new GrubEnvFile(path, LinuxFileSteps.Instance, new FakeTimeProvider()).Read();
            Assert.Equal(model.Variables, read.Variables.Pairs());
            Assert.Equal(GrubEditenv.List(path), GrubEditenv.ListingOf(read.Variables.Pairs()));
        }));

        Assert.True(tally.Pairs >= 1000, $"only {tally.Pairs} assignments were tried");
        TestContext.Current.TestOutputHelper?.WriteLine($"our read of grub-editenv's: {tally}");
    }

    [Theory]
    [InlineData("x", 0)]
    [InlineData("x", 1)]
    [InlineData("\\", 0)]
    [InlineData("\\", 1)]
    [InlineData("\n", 0)]
    [InlineData("é", 0)]
    [InlineData("é", 1)]
    public void Set_FillingToTheLastByteAndOneOver_SameOutcomeAsGrubEditenv(string filler, int over)
    {
        EnvOp[] ops =
        [
            new SetOp([("a", "1"), ("saved_entry", "Debian GNU/Linux")]),
            new FillOp("fill", over, filler),
            new FillOp("a", over, filler),
            new UnsetOp(["saved_entry"]),
            new FillOp("fill", over, filler),
        ];
        var tally = new Tally();

        SameBytesAsGrubEditenv(ops, tally);

        Assert.Equal(over == 0 ? 3 : 0, tally.ExactlyFull);
        Assert.Equal(over == 0 ? 0 : 3, tally.NoSpace);
    }

    [Fact]
    public void NoSpace_BytesOver_IsWhatGrubEditenvIsShortBy()
    {
        // One byte shorter must fit in grub-editenv for the reported overshoot to be right.
        var block = GrubEnvBlock.Create();
        int room = block.Size - GrubEnvBlock.Signature.Length - GrubEnvBlock.DebianWarning.Length;
        string value = new('v', room);

        var e = Assert.Throws<GrubEnvException>(() => block.Clone().Set("n", value));

        Assert.Equal(3, e.BytesOver);
        Assert.Contains("3 bytes over", e.Message);
        using var dir = new TempDir();
        string file = dir.NewGrubEnv();
        Assert.Equal(1, GrubEditenv.Set(file, [("n", value[..(room - e.BytesOver + 1)])]).ExitCode);
        GrubEditenv.Ok(GrubEditenv.Set(file, [("n", value[..(room - e.BytesOver)])]));
        Assert.Equal((byte)'\n', File.ReadAllBytes(file)[^1]);
    }

    /// <summary>Property (a): every batch gives the same bytes on both sides, or fails on both and writes nothing.</summary>
    private static void SameBytesAsGrubEditenv(EnvOp[] ops, Tally tally)
    {
        using var dir = new TempDir();
        string file = dir.File("grubenv");
        GrubEditenv.Create(file);
        var block = GrubEnvBlock.Create();
        var model = new EnvModel();
        foreach (var op in ops)
        {
            EnvOp batch = op.ResolveAgainst(block);
            tally.Count(batch, block);
            var next = block.Clone();
            GrubEnvException? error = null;
            try
            {
                batch.ApplyTo(next);
            }
            catch (GrubEnvException e)
            {
                error = e;
            }

            ProcessResult grub = batch.RunGrubEditenv(file);
            if (error is null)
            {
                Assert.True(grub.ExitCode == 0, $"{batch}: we succeeded, but {grub}");
                block = next;
                model.Apply(batch);
                if (block.Bytes[^1] == (byte)'\n')
                {
                    tally.ExactlyFull++;
                }
            }
            else
            {
                Assert.Equal(GrubEnvErrorKind.NoSpace, error.Kind);
                Assert.True(grub.ExitCode == 1 && grub.Stderr.Contains(GrubEditenv.TooSmall), $"{batch}: we failed with {error.Message}, but {grub}");
                tally.NoSpace++;
            }

            byte[] theirs = File.ReadAllBytes(file);
            Assert.True(block.Bytes.SequenceEqual(theirs), $"{batch}: bytes differ at {Difference(block.Bytes, theirs)}");
            Assert.Equal(model.Variables, block.Variables.Pairs());
        }

        Assert.Equal(GrubEditenv.ListingOf(model.Variables), GrubEditenv.List(file));
    }

    private static string Difference(ReadOnlySpan<byte> ours, byte[] theirs)
    {
        int i = ours.CommonPrefixLength(theirs);
        return $"byte {i}: ours {(i < ours.Length ? ours[i] : -1)}, grub-editenv {(i < theirs.Length ? theirs[i] : -1)}";
    }

    private sealed class Tally
    {
        public int Batches;
        public int Pairs;
        public int Overwrites;
        public int Unsets;
        public int NoSpace;
        public int ExactlyFull;

        public void Count(EnvOp batch, GrubEnvBlock? before = null)
        {
            Batches++;
            switch (batch)
            {
                case SetOp set:
                    Pairs += set.Pairs.Count;
                    if (before is not null)
                    {
                        Overwrites += set.Pairs.Count(p => before.Get(p.Name) is not null);
                    }

                    break;
                case UnsetOp unset:
                    Unsets += unset.Names.Count;
                    break;
            }
        }

        public override string ToString() =>
            $"{Batches} batches, {Pairs} assignments ({Overwrites} overwrites), {Unsets} unsets, {NoSpace} did not fit, {ExactlyFull} filled to the last byte";
    }
}
