using Appliance.Core.Kexec;

namespace Appliance.Tests.Core.Kexec;

public sealed class VmcoreTests
{
    private static readonly string[] Boot =
    [
        "Linux version 6.1.0-13-amd64 (debian-kernel@lists.debian.org)",
        "Command line: BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 crashkernel=256M",
        "Reserving 256MB of memory at 752MB for crashkernel (System RAM: 1023MB)",
        "i6300ESB timer 0000:00:04.0: initialized. heartbeat=30 sec (nowayout=0)",
    ];

    private static readonly string[] Crash =
    [
        "sysrq: Trigger a crash",
        "Kernel panic - not syncing: sysrq triggered crash",
        "CPU: 0 PID: 231 Comm: sh Not tainted 6.1.0-13-amd64 #1  Debian 6.1.55-1",
        "Call Trace:",
        " <TASK>",
        " dump_stack_lvl+0x44/0x5c",
    ];

    [Fact]
    public void ReadLog_RingThroughVmcoreInfo_ReturnsTheLogInOrder()
    {
        var core = new SyntheticVmcore();
        core.Records.AddRange(Boot);
        core.Records.AddRange(Crash);

        var log = Vmcore.ReadLog(new ByteArraySource(core.Build()), 4096, 1 << 20);

        Assert.NotNull(log);
        Assert.Equal("printk ring", log.Method);
        Assert.Equal(Boot.Concat(Crash).Select(l => l.Trim()), log.Text.Split('\n'));
    }

    [Fact]
    public void ReadLog_WrappedRing_PutsTheNewestRecordsLast()
    {
        var core = new SyntheticVmcore { RingBits = 10 };
        for (int k = 0; k < 40; k++)
        {
            core.Records.Add($"audit: type=1400 message number {k:D3} filling the ring");
        }

        core.Records.AddRange(Crash);

        var log = Vmcore.ReadLog(new ByteArraySource(core.Build()), 4096, 1 << 20);

        Assert.NotNull(log);
        Assert.Equal("printk ring", log.Method);
        string[] lines = log.Text.Split('\n');
        Assert.True(lines.Length > 8, log.Text);
        Assert.Equal(core.Records.TakeLast(lines.Length).Select(l => l.Trim()), lines);
        Assert.DoesNotContain("message number 000", log.Text);

        // Some record still in the ring wrapped: its block went to offset 0 of the next lap.
        Assert.Contains(core.Blocks.TakeLast(lines.Length), b => b.Begin >> 10 != b.Next >> 10);
    }

    [Fact]
    public void ReadLog_TextMovedOverItsLevelPrefix_CutsEachRecordAtItsLength()
    {
        // The real 6.1 crash: lines came out as "sysrq: Trigger a crashsh", "random: crng init donene".
        string[] records =
        [
            "random: crng init done",
            "sysrq: Trigger a crash",
            "Kernel panic - not syncing: sysrq triggered crash",
            "Kernel Offset: disabled",
        ];
        var core = new SyntheticVmcore();
        core.Records.AddRange(records);

        var log = Vmcore.ReadLog(new ByteArraySource(core.Build()), 4096, 1 << 20);

        Assert.NotNull(log);
        Assert.Equal("printk ring", log.Method);
        Assert.Equal(records, log.Text.Split('\n'));
    }

    [Fact]
    public void ReadLog_PositionsOverflowingThrough2To64_StayInSeqOrder()
    {
        // Positions start at -size (BLK0_LPOS), so the first wrap crosses 2^64; with a small
        // descriptor ring the descriptors, not the data, limit what is left.
        var core = new SyntheticVmcore { RingBits = 10, DescBits = 3 };
        for (int k = 0; k < 40; k++)
        {
            core.Records.Add($"line {k:D2} of the log");
        }

        var log = Vmcore.ReadLog(new ByteArraySource(core.Build()), 4096, 1 << 20);

        Assert.NotNull(log);
        Assert.Equal(core.Records.TakeLast(8), log.Text.Split('\n'));
        Assert.Contains(core.Blocks, b => b.Begin > b.Next);
    }

    [Fact]
    public void ReadLog_CommittedRecordIsKept_ReservedOneIsNot()
    {
        var core = new SyntheticVmcore { LastCommittedOnly = true, InFlight = "half-written record that was never committed" };
        core.Records.AddRange(Crash);

        var log = Vmcore.ReadLog(new ByteArraySource(core.Build()), 4096, 1 << 20);

        Assert.NotNull(log);
        Assert.Equal(Crash.Select(l => l.Trim()), log.Text.Split('\n'));
    }

    [Fact]
    public void ReadLog_NoDescriptorInfo_ReadsTheDataRingAndSaysSo()
    {
        var core = new SyntheticVmcore { WithDescriptorInfo = false };
        core.Records.AddRange(Crash);

        var log = Vmcore.ReadLog(new ByteArraySource(core.Build()), 4096, 1 << 20);

        Assert.NotNull(log);
        Assert.Equal("printk data ring", log.Method);
        Assert.Contains("descriptor", log.Note);
        Assert.Contains("Kernel panic - not syncing: sysrq triggered crash", log.Text);

        // Without record lengths the bytes printk_sprint left behind show: the original bug.
        Assert.Contains("sysrq triggered crashsh", log.Text);
    }

    [Theory]
    [InlineData(0x100UL, 0x140UL, 0x108, 0x38)]          // regular block
    [InlineData(0x3e0UL, 0x440UL, 8, 0x38)]              // wrapped: the data is at 0 of the next lap
    [InlineData(0x3c0UL, 0x400UL, 0x3c8, 0x38)]          // ends exactly at the ring's end, left in place
    [InlineData(0xffffffffffffffe0UL, 0x40UL, 8, 0x38)]  // wrapped through 2^64
    [InlineData(0xfffffffffffffc00UL, 0xfffffffffffffc40UL, 8, 0x38)]
    public void DataBlock_FindsTheText(ulong begin, ulong next, int start, int length)
    {
        Assert.True(Vmcore.DataBlock(begin, next, 10, out int s, out int n));
        Assert.Equal((start, length), (s, n));
    }

    [Theory]
    [InlineData(1UL, 1UL)]          // FAILED_LPOS: the data could not be stored
    [InlineData(3UL, 3UL)]          // NO_LPOS: an empty line
    [InlineData(0x140UL, 0x100UL)]  // backwards
    [InlineData(0x100UL, 0x900UL)]  // laps apart
    [InlineData(0x104UL, 0x140UL)]  // unaligned
    public void DataBlock_RejectsWhatIsNoBlock(ulong begin, ulong next)
    {
        Assert.False(Vmcore.DataBlock(begin, next, 10, out _, out _));
    }

    [Fact]
    public void ReadLog_StalePanicTextInRam_IsIgnoredWhenTheRingIsReadable()
    {
        var core = new SyntheticVmcore { Ram = SyntheticVmcore.RamWith("Kernel panic - not syncing: stale text from an earlier boot", 9000) };
        core.Records.AddRange(Crash);

        var log = Vmcore.ReadLog(new ByteArraySource(core.Build()), 4096, 1 << 20);

        Assert.NotNull(log);
        Assert.DoesNotContain("earlier boot", log.Text);
        Assert.Contains("sysrq triggered crash", log.Text);
    }

    [Fact]
    public void ReadLog_NoVmcoreInfo_FallsBackToTheScanAndSaysWhy()
    {
        var core = new SyntheticVmcore { WithVmcoreInfo = false, Ram = SyntheticVmcore.RamWith("BUG: kernel NULL pointer dereference, address: 0000000000000000\nKernel panic - not syncing: Fatal exception", 5000) };

        var log = Vmcore.ReadLog(new ByteArraySource(core.Build()), 2048, 1 << 20);

        Assert.NotNull(log);
        Assert.Equal("byte scan", log.Method);
        Assert.Contains("no VMCOREINFO", log.Note);
        Assert.Contains("Kernel panic - not syncing: Fatal exception", log.Text);
        Assert.Contains("BUG: kernel NULL pointer dereference", log.Text);
    }

    [Fact]
    public void ReadLog_NotAnElfFile_ScansItWhole()
    {
        byte[] bytes = SyntheticVmcore.RamWith("Oops: 0002 [#1] PREEMPT SMP NOPTI", 100, 4096);

        var log = Vmcore.ReadLog(new ByteArraySource(bytes), 1024, 1 << 20);

        Assert.NotNull(log);
        Assert.Equal("not an ELF file", log.Note);
        Assert.Contains("Oops: 0002 [#1]", log.Text);
    }

    [Fact]
    public void ReadLog_MarkerAcrossAScanChunkBoundary_IsFound()
    {
        int chunk = 4 << 20;
        byte[] bytes = new byte[chunk + 4096];
        System.Text.Encoding.ASCII.GetBytes("Kernel panic - not syncing: split").CopyTo(bytes, chunk - 10);

        var log = Vmcore.ReadLog(new ByteArraySource(bytes), 1024, 16 << 20);

        Assert.NotNull(log);
        Assert.Contains("Kernel panic - not syncing: split", log.Text);
    }

    [Fact]
    public void ReadLog_NothingToFind_IsNull()
    {
        var core = new SyntheticVmcore { WithVmcoreInfo = false, Ram = new byte[4096] };

        Assert.Null(Vmcore.ReadLog(new ByteArraySource(core.Build()), 1024, 1 << 20));
    }

    [Fact]
    public void ReadLog_ScanBudget_StopsTheScan()
    {
        byte[] bytes = new byte[3 << 20];
        System.Text.Encoding.ASCII.GetBytes("Kernel panic - not syncing: beyond the budget").CopyTo(bytes, 2 << 20);

        Assert.Null(Vmcore.ReadLog(new ByteArraySource(bytes), 1024, 1 << 20));
    }
}
