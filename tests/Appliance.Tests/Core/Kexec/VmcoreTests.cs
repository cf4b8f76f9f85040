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
        Assert.EndsWith("dump_stack_lvl+0x44/0x5c", log.Text);
        int panic = log.Text.IndexOf(PanicLog.PanicMarker, StringComparison.Ordinal);
        int lastAudit = log.Text.LastIndexOf("message number 039", StringComparison.Ordinal);
        Assert.True(lastAudit >= 0 && lastAudit < panic, log.Text);
        Assert.DoesNotContain("message number 000", log.Text);
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
