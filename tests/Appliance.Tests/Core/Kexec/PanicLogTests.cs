using System.Text;
using Appliance.Core.Kexec;

namespace Appliance.Tests.Core.Kexec;

public sealed class PanicLogTests
{
    private const string OopsThenPanic =
        "<6>[    5.100000] virtio_blk virtio1: [vda] 4194304 512-byte logical blocks\n" +
        "<1>[   12.345678] BUG: kernel NULL pointer dereference, address: 0000000000000000\n" +
        "<4>[   12.345700] Oops: 0002 [#1] PREEMPT SMP NOPTI\n" +
        "<4>[   12.345800] RIP: 0010:sysrq_handle_crash+0x16/0x20\n" +
        "<0>[   12.346000] Kernel panic - not syncing: Fatal exception\n" +
        "<0>[   12.346100] Kernel Offset: 0x1c000000 from 0xffffffff81000000\n";

    [Fact]
    public void Sanitize_BinaryBetweenRecords_BecomesLineBreaksAndShortJunkIsDropped()
    {
        byte[] raw = [0x2a, 0x01, 0xff, 0xff, .. Encoding.ASCII.GetBytes("first record"), 0, 0, 0x41, 0xff, .. Encoding.ASCII.GetBytes("second\trecord"), 0xc3, 0xa9];

        Assert.Equal("first record\nsecond\trecord", PanicLog.Sanitize(raw));
    }

    [Fact]
    public void FindCrash_PanicAfterOops_PointsAtThePanicLine()
    {
        int at = PanicLog.FindCrash(OopsThenPanic);

        Assert.StartsWith("<0>[   12.346000] Kernel panic", OopsThenPanic[at..]);
    }

    [Fact]
    public void FindCrash_OnlyAnOops_PointsAtTheLastOopsLine()
    {
        string log = "a\nBUG: soft lockup - CPU#0 stuck for 22s!\nb\nOops: 0000 [#2] SMP\nc\n";

        Assert.StartsWith("Oops: 0000 [#2]", log[PanicLog.FindCrash(log)..]);
    }

    [Fact]
    public void FindCrash_NoCrash_IsMinusOne()
    {
        Assert.Equal(-1, PanicLog.FindCrash("systemd[1]: Started foo.service\n"));
    }

    [Fact]
    public void Window_LongLog_KeepsMostlyWhatCameBeforeThePanicWithinTheLimit()
    {
        string filler = string.Concat(Enumerable.Range(0, 2000).Select(k => $"line {k:D4} of boot noise\n"));
        string log = filler + OopsThenPanic + filler;

        string? window = PanicLog.Window(log, 2000);

        Assert.NotNull(window);
        Assert.True(window.Length <= 2000, $"{window.Length}");
        Assert.Contains("Kernel panic - not syncing: Fatal exception", window);
        Assert.Contains("BUG: kernel NULL pointer dereference", window);
        Assert.StartsWith("line ", window);
        Assert.True(window.IndexOf("Kernel panic", StringComparison.Ordinal) > window.Length / 2);
    }

    [Fact]
    public void Window_NoCrash_KeepsTheEnd()
    {
        string log = string.Concat(Enumerable.Range(0, 100).Select(k => $"message {k:D3}\n"));

        string? window = PanicLog.Window(log, 120);

        Assert.NotNull(window);
        Assert.Contains("message 099", window);
        Assert.DoesNotContain("message 000", window);
    }

    [Fact]
    public void Excerpt_OopsThenPanic_HeadlineNamesPanicAndCause()
    {
        string excerpt = PanicLog.Excerpt(OopsThenPanic, "vmcore");

        string headline = excerpt.Split('\n')[0];
        Assert.Equal("vmcore: Kernel panic - not syncing: Fatal exception after BUG: kernel NULL pointer dereference, address: 0000000000000000", headline);
        Assert.Contains("RIP: 0010:sysrq_handle_crash+0x16/0x20", excerpt);
        Assert.DoesNotContain("<0>[", excerpt);
    }

    [Fact]
    public void Excerpt_OopsKexecedBeforeAnyPanicLine_HeadlineIsTheBugLineThatOpenedTheReport()
    {
        // Seen on the QEMU board: with a crash kernel loaded, oops_end() kexecs before panic().
        const string log = "<6>[    9.1] appliance_oops: loading out-of-tree module taints kernel.\n"
            + "<1>[    9.2] BUG: kernel NULL pointer dereference, address: 0000000000000000\n"
            + "<1>[    9.2] #PF: supervisor read access in kernel mode\n"
            + "<1>[    9.2] #PF: error_code(0x0000) - not-present page\n"
            + "<6>[    9.2] PGD 0 P4D 0\n"
            + "<4>[    9.2] Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
            + "<4>[    9.2] CPU: 0 PID: 201 Comm: modprobe Tainted: G           OE      6.1.0-56-amd64\n";

        string headline = PanicLog.Excerpt(log, "vmcore").Split('\n')[0];

        Assert.Equal("vmcore: BUG: kernel NULL pointer dereference, address: 0000000000000000 (Oops: 0000 [#1] PREEMPT SMP NOPTI)", headline);
    }

    [Fact]
    public void Excerpt_NoCrash_SaysSoAndShowsTheLastLines()
    {
        Assert.StartsWith("pstore: no panic or oops line found", PanicLog.Excerpt("a line\nanother line\n", "pstore"));
    }

    [Fact]
    public void PstoreOrder_TwoPartsOfOnePanic_OlderPartFirst()
    {
        var files = new Dictionary<string, string>
        {
            ["dmesg-efi-1"] = "Panic#1 Part1\nKernel panic - not syncing: sysrq triggered crash\n",
            ["dmesg-efi-2"] = "Panic#1 Part2\nearlier lines\n",
            ["dmesg-efi-0"] = "Oops#0 Part1\nOops: 0000 [#1] SMP\n",
        };

        var order = PstoreHeader.InReadingOrder(files.Keys, f => files[f]);

        Assert.Equal(["dmesg-efi-0", "dmesg-efi-2", "dmesg-efi-1"], order);
    }

    [Theory]
    [InlineData("Panic#1 Part1", "Panic", 1, 1)]
    [InlineData("Oops#12 Part3", "Oops", 12, 3)]
    public void PstoreHeader_Parse_ReadsReasonCountPart(string line, string reason, int count, int part)
    {
        Assert.Equal(new PstoreHeader(reason, count, part), PstoreHeader.Parse(line));
    }

    [Fact]
    public void PstoreHeader_Parse_OtherText_IsNull()
    {
        Assert.Null(PstoreHeader.Parse("====1700000000.123456789-D"));
    }
}
