using Appliance.Core.Kexec;

namespace Appliance.Tests.Core.Kexec;

public sealed class MemoryMapTests
{
    /// <summary>The firmware map of the QEMU pc board with 1 GiB (SeaBIOS), as /sys/firmware/memmap shows it.</summary>
    public static IReadOnlyList<MemoryRange> QemuPc { get; } =
    [
        new(0x100000, 0x3ffdffff, "System RAM"),
        new(0x0, 0x9fbff, "System RAM"),
        new(0x9fc00, 0x9ffff, "Reserved"),
        new(0xf0000, 0xfffff, "Reserved"),
        new(0x3ffe0000, 0x3fffffff, "Reserved"),
        new(0xfeffc000, 0xfeffffff, "Reserved"),
        new(0xfffc0000, 0xffffffff, "Reserved"),
    ];

    [Fact]
    public void ToValues_QemuMap_InAddressOrderWithTypeSeparators()
    {
        var values = MemoryMap.ToValues(QemuPc);

        Assert.Equal(
            ["0x9fc00@0x0", "0x400$0x9fc00", "0x10000$0xf0000", "0x3fee0000@0x100000", "0x20000$0x3ffe0000", "0x4000$0xfeffc000", "0x40000$0xfffc0000"],
            values);
    }

    [Theory]
    [InlineData("System RAM", '@')]
    [InlineData("ACPI Tables", '#')]
    [InlineData("ACPI Non-volatile Storage", '$')]
    [InlineData("Persistent Memory (legacy)", '!')]
    [InlineData("Unusable memory", '$')]
    public void SeparatorFor_EachType_MatchesParseMemmapOne(string type, char separator)
    {
        Assert.Equal(separator, MemoryMap.SeparatorFor(type));
    }

    [Fact]
    public void RescueWord_ThenFromCommandLine_RoundTrips()
    {
        var values = MemoryMap.ToValues(QemuPc);
        string line = $"BOOT_IMAGE=/boot/vmlinuz root=/dev/vda1 {MemoryMap.RescueWord(values)} appliance.rescue=1";

        Assert.Equal(values, MemoryMap.FromCommandLine(line));
    }

    [Theory]
    [InlineData("quiet")]
    [InlineData("appliance.memmap=")]
    [InlineData("appliance.memmap=0x9fc00@0x0,640K@0")]
    [InlineData("appliance.memmap=0x9fc00@0x0,0x1000%0x0")]
    [InlineData("appliance.memmap=0x9FC00@0x0")]
    public void FromCommandLine_AbsentOrMalformed_IsEmpty(string line)
    {
        Assert.Empty(MemoryMap.FromCommandLine(line));
    }

    [Fact]
    public void ExactMapWords_StartWithExactmapThenOnePerRange()
    {
        Assert.Equal(["memmap=exactmap", "memmap=0x9fc00@0x0", "memmap=0x400$0x9fc00"], MemoryMap.ExactMapWords(["0x9fc00@0x0", "0x400$0x9fc00"]));
        Assert.Empty(MemoryMap.ExactMapWords([]));
    }

    [Fact]
    public void RamBytes_CountsOnlySystemRam()
    {
        Assert.Equal(0x9fc00L + 0x3fee0000L, MemoryMap.RamBytes(QemuPc));
    }
}
