using Appliance.Core.Storage;
using Appliance.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Appliance.Tests.Core.Storage;

public sealed class SectorRewriteTests
{
    private const int Block = 1024;

    [Fact]
    public void Plan_SameBytes_EmptyRange()
    {
        byte[] block = Filled(Block, (byte)'#');

        Assert.Equal(new SectorRange(0, 0), SectorRewrite.Plan(block, block));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(511, 0)]
    [InlineData(512, 512)]
    [InlineData(1023, 512)]
    public void Plan_OneByteChanged_ThatWholeSector(int changed, int sectorOffset)
    {
        byte[] old = Filled(Block, (byte)'#');
        byte[] next = (byte[])old.Clone();
        next[changed] = (byte)'x';

        Assert.Equal(new SectorRange(sectorOffset, 512), SectorRewrite.Plan(old, next));
    }

    [Fact]
    public void Plan_BytesChangedInTwoSectors_Null()
    {
        byte[] old = Filled(Block, (byte)'#');
        byte[] next = (byte[])old.Clone();
        next[511] = (byte)'x';
        next[512] = (byte)'x';

        Assert.Null(SectorRewrite.Plan(old, next));
    }

    [Fact]
    public void Plan_SizesDiffer_Null()
    {
        Assert.Null(SectorRewrite.Plan(Filled(Block, 1), Filled(Block + 1, 1)));
    }

    [Fact]
    public void Plan_ShortLastSector_RangeEndsAtTheFileEnd()
    {
        byte[] old = Filled(700, 0);
        byte[] next = (byte[])old.Clone();
        next[699] = 1;

        Assert.Equal(new SectorRange(512, 188), SectorRewrite.Plan(old, next));
    }

    /// <summary>
    /// The guarantee itself: with the planned range written or not (a power cut writes a sector
    /// whole or not at all), the file holds the old bytes or the new; and a refusal means two
    /// sectors really differ.
    /// </summary>
    [Fact]
    public void Plan_AnyChange_WrittenOrNotTheFileIsOldOrNew()
    {
        Gen<(byte[] Old, (int Index, byte Value)[] Changes)> cases =
            from old in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), Block)
            from start in Gen.Choose(0, Block - 1)
            from width in Gen.Choose(1, 600)
            from changes in Gen.ArrayOf(Gen.Zip(Gen.Choose(start, Math.Min(Block - 1, start + width)), ArbMap.Default.GeneratorFor<byte>()))
            select (old, changes);
        Check.One(
            Properties.Runs(500),
            Prop.ForAll(Arb.From(cases), c =>
            {
                byte[] next = (byte[])c.Old.Clone();
                foreach (var (index, value) in c.Changes)
                {
                    next[index] = value;
                }

                int changedSectors = Enumerable.Range(0, Block / SectorRewrite.SectorSize)
                    .Count(s => !c.Old.AsSpan(s * 512, 512).SequenceEqual(next.AsSpan(s * 512, 512)));
                if (SectorRewrite.Plan(c.Old, next) is not { } range)
                {
                    return changedSectors > 1;
                }

                byte[] written = (byte[])c.Old.Clone();
                next.AsSpan(range.Offset, range.Length).CopyTo(written.AsSpan(range.Offset));
                return changedSectors <= 1 && written.AsSpan().SequenceEqual(next) && range.Offset % SectorRewrite.SectorSize == 0;
            }));
    }

    private static byte[] Filled(int length, byte value) => Enumerable.Repeat(value, length).ToArray();
}
