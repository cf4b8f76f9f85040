using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>The TCG bench's parsing of serial lines and ELF headers, without a VM.</summary>
public sealed class TcgBenchTests
{
    private static SerialLine L(double seconds, string text) => new(TimeSpan.FromSeconds(seconds), 1, text);

    [Fact]
    public void Measure_RejectByKexec_SplitsAtTheMarkersInOrder()
    {
        SerialLine[] lines =
        [
            L(1, "GRUB: booting trial-sick-kexec kernel=/boot/vmlinuz"),
            L(9, "[    0.000000] Linux version 6.1.0-57-amd64"),
            L(20, "appliance: check 50-app: failed: app did not answer"),
            L(22.5, "appliance: kexec reboot: trial 'trial-sick-kexec' failed its checks"),
            L(22.6, "[   11.8] kexec_core: Starting new kernel"),
            L(31.6, "[    0.000000] Linux version 6.1.0-57-amd64"),
            L(37, "APPLIANCE-MARKER: userspace entry=good scenario=validate uptime=4.8"),
        ];

        var p = TcgBench.Measure(lines);

        Assert.Equal(2.5, p.Reject, 3);
        Assert.Equal(0.1, p.Shutdown, 3);
        Assert.Equal(9.0, p.Jump, 3);
        Assert.Equal(5.4, p.Boot, 3);
        Assert.Equal(8.0, p.GrubToKernel, 3);
        Assert.Equal(17.0, p.Total, 3);
    }

    [Fact]
    public void Measure_NoKexec_Throws()
    {
        SerialLine[] lines =
        [
            L(1, "GRUB: booting trial-sick-kexec kernel=/boot/vmlinuz"),
            L(9, "[    0.000000] Linux version 6.1.0-57-amd64"),
            L(20, "appliance: check 50-app: failed: app did not answer"),
        ];

        Assert.Throws<BoardException>(() => TcgBench.Measure(lines));
    }

    [Fact]
    public void ElfLoadBytes_TwoLoadsAndANote_SumsTheLoadsMemsz()
    {
        const int phoff = 64, phentsize = 56;
        var elf = new byte[phoff + (3 * phentsize)];
        BitConverter.TryWriteBytes(elf.AsSpan(0x20), (long)phoff);
        BitConverter.TryWriteBytes(elf.AsSpan(0x36), (ushort)phentsize);
        BitConverter.TryWriteBytes(elf.AsSpan(0x38), (ushort)3);
        (uint Type, long Memsz)[] headers = [(1, 0x1000), (4, 0x500), (1, 0x2000)];
        for (var i = 0; i < headers.Length; i++)
        {
            BitConverter.TryWriteBytes(elf.AsSpan(phoff + (i * phentsize)), headers[i].Type);
            BitConverter.TryWriteBytes(elf.AsSpan(phoff + (i * phentsize) + 0x28), headers[i].Memsz);
        }

        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, elf);
            Assert.Equal(0x3000, TcgBench.ElfLoadBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
