using Appliance.Core.Watchdog;

namespace Appliance.Tests.Core.Watchdog;

public sealed class ImagePagesTests
{
    private const string Exe = "/usr/bin/appliance";

    // Shaped like a real /proc/self/smaps of the AOT daemon (proc(5)); sizes trimmed.
    private static string Mapping(string header, int anonymousKb, string flags = "rd mr mw me") =>
        $"{header}\nSize:               3608 kB\nRss:                2840 kB\nAnonymous:          {anonymousKb} kB\nLocked:                0 kB\nVmFlags: {flags}\n";

    [Fact]
    public void Droppable_CleanTextAndReadOnlyData_AreDropped()
    {
        string smaps =
            Mapping($"5611f891a000-5611f8be0000 r-xp 0000e000 fe:00 5309277                    {Exe}", 0, "rd ex mr mw me") +
            Mapping($"5611f8be0000-5611f8d15000 r--p 002d4000 fe:00 5309277                    {Exe}", 0);

        var ranges = ImagePages.Droppable(smaps, Exe);

        Assert.Equal([new ImagePages.Range(0x5611f891a000, 0x2c6000, true), new ImagePages.Range(0x5611f8be0000, 0x135000, true)], ranges);
    }

    [Fact]
    public void Droppable_RelocatedOrWritableOrLocked_AreKept()
    {
        string smaps =
            Mapping($"5611f8d16000-5611f8e08000 r--p 0040a000 fe:00 5309277 {Exe}", 8) +
            Mapping($"5611f8e0a000-5611f8e1a000 rw-p 004fd000 fe:00 5309277 {Exe}", 0) +
            Mapping($"5611f891a000-5611f8be0000 r-xp 0000e000 fe:00 5309277 {Exe}", 0, "rd ex mr mw me lo") +
            Mapping($"5611f9000000-5611f9001000 r--s 00000000 fe:00 5309277 {Exe}", 0);

        Assert.Empty(ImagePages.Droppable(smaps, Exe));
    }

    [Fact]
    public void Droppable_CleanLibraryText_IsUnmappedNotPagedOut()
    {
        string smaps =
            Mapping("7f814dcef000-7f814de45000 r-xp 00026000 fe:00 332096 /usr/lib/x86_64-linux-gnu/libc.so.6", 0, "rd ex mr mw me") +
            Mapping("7f814de45000-7f814de98000 r--p 0017c000 fe:00 332096 /usr/lib/x86_64-linux-gnu/libc.so.6", 16);

        Assert.Equal([new ImagePages.Range(0x7f814dcef000, 0x156000, false)], ImagePages.Droppable(smaps, Exe));
    }

    [Fact]
    public void Droppable_AnonymousPseudoAndDeletedMappings_AreKept()
    {
        string smaps =
            Mapping("5611f8e1a000-5611f8f9d000 rw-p 00000000 00:00 0", 1512) +
            Mapping("7f4150800000-7f4150911000 r--p 00000000 00:00 0", 0) +
            Mapping("7ffd5a3f1000-7ffd5a3f3000 r-xp 00000000 00:00 0                          [vdso]", 0) +
            Mapping("7f4150a00000-7f4150a10000 r--p 00000000 00:01 2051 /memfd:data (deleted)", 0);

        Assert.Empty(ImagePages.Droppable(smaps, Exe));
    }

    [Fact]
    public void Droppable_AnonymousMappingAfterTheImage_DoesNotLendItsPagesToIt()
    {
        // The anonymous mapping's "Anonymous: 1512 kB" belongs to it, not to the text before it.
        string smaps =
            Mapping($"5611f891a000-5611f8be0000 r-xp 0000e000 fe:00 5309277 {Exe}", 0) +
            Mapping("5611f8e1a000-5611f8f9d000 rw-p 00000000 00:00 0", 1512);

        Assert.Equal([new ImagePages.Range(0x5611f891a000, 0x2c6000, true)], ImagePages.Droppable(smaps, Exe));
    }

    [Fact]
    public void Droppable_NoAnonymousLine_IsKept()
    {
        Assert.Empty(ImagePages.Droppable($"5611f891a000-5611f8be0000 r-xp 0000e000 fe:00 5309277 {Exe}\nRss: 4 kB\n", Exe));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage\nAnonymous: 0 kB\n")]
    [InlineData("zz-yy r-xp 0 0 0 /usr/bin/appliance\n")]
    [InlineData("2000-1000 r-xp 0 fe:00 1 /usr/bin/appliance\n")]
    public void Droppable_Malformed_DropsNothing(string smaps)
    {
        Assert.Empty(ImagePages.Droppable(smaps, Exe));
    }
}
