using Appliance.Core.Kexec;

namespace Appliance.Tests.Core.Kexec;

public sealed class KernelImageTests
{
    private static byte[] With(int offset, ReadOnlySpan<byte> magic)
    {
        var bytes = new byte[KernelImage.HeaderBytes];
        magic.CopyTo(bytes.AsSpan(offset));
        return bytes;
    }

    public static TheoryData<string, byte[]> Kernels => new()
    {
        { "x86 bzImage", With(0x202, "HdrS"u8) },
        { "arm64 Image", With(0x38, "ARM\x64"u8) },
        { "RISC-V Image", With(0x38, "RSC\x05"u8) },
        { "PE (EFI stub, zboot)", With(0, "MZ"u8) },
        { "ELF vmlinux", With(0, [0x7F, (byte)'E', (byte)'L', (byte)'F']) },
    };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Problem_KnownKernelHeader_None(string format, byte[] head)
    {
        Assert.True(KernelImage.Problem(head, 10 << 20) is null, format);
    }

    [Fact]
    public void Problem_EmptyFile_SaysEmpty()
    {
        Assert.Contains("empty (0 bytes)", KernelImage.Problem([], 0));
    }

    [Fact]
    public void Problem_TextFile_SaysNotAKernelAndShowsItsFirstBytes()
    {
        string? problem = KernelImage.Problem("#!/bin/sh\necho hi\n"u8, 18);

        Assert.Contains("not a Linux kernel image (18 bytes, starting 0x2321", problem);
    }

    [Fact]
    public void Problem_HostKernel_None()
    {
        // Debian's linux-image-amd64, which the VM boards boot (tools/deps.sh installs it).
        string kernel = Directory.GetFiles("/boot", "vmlinuz-*").FirstOrDefault()
            ?? throw new Xunit.Sdk.XunitException("no /boot/vmlinuz-*: install linux-image-amd64 (make deps)");
        using var file = File.OpenRead(kernel);
        var head = new byte[KernelImage.HeaderBytes];
        int read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);

        Assert.Null(KernelImage.Problem(head.AsSpan(0, read), file.Length));
    }
}
