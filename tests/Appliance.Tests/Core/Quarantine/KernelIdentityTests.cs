using System.Buffers.Binary;
using Appliance.Core.Quarantine;
using Appliance.Tests.Support;

namespace Appliance.Tests.Core.Quarantine;

public sealed class KernelIdentityTests
{
    [Fact]
    public void ReleaseOf_BzImageWithKernelVersion_IsTheStringsFirstWord()
    {
        byte[] image = FakeKernel.BzImage("6.1.0-55-amd64");

        Assert.Equal("6.1.0-55-amd64", KernelIdentity.ReleaseOf(image));
    }

    /// <summary>Documentation/arch/x86/boot.rst: kernel_version at 0x20E points to the string "less 0x200".</summary>
    [Fact]
    public void ReleaseOf_PointerAt0x20E_StringReadAtPointerPlus0x200()
    {
        var image = new byte[0x1000];
        "HdrS"u8.CopyTo(image.AsSpan(0x202));
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x20E), 0x0C00);
        "6.12.9-arch1\0"u8.CopyTo(image.AsSpan(0x0E00));

        Assert.Equal("6.12.9-arch1", KernelIdentity.ReleaseOf(image));
    }

    [Fact]
    public void ReleaseOf_BzImageWithoutKernelVersion_IsNull()
    {
        Assert.Null(KernelIdentity.ReleaseOf(FakeKernel.BzImage()));
    }

    [Fact]
    public void ReleaseOf_PointerPastTheBytesRead_IsNull()
    {
        byte[] image = FakeKernel.BzImage();
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x20E), 0x7000);

        Assert.Null(KernelIdentity.ReleaseOf(image));
    }

    [Fact]
    public void ReleaseOf_NotABzImage_IsNull()
    {
        var arm64 = new byte[0x400];
        "ARM\x64"u8.CopyTo(arm64.AsSpan(0x38));

        Assert.Null(KernelIdentity.ReleaseOf(arm64));
    }

    [Theory]
    [InlineData("/boot/vmlinuz-6.1.0-55-amd64", "6.1.0-55-amd64")]
    [InlineData("/Image-6.6.0-rpi", "6.6.0-rpi")]
    [InlineData("(hd0,gpt2)/vmlinuz-6.1", "6.1")]
    [InlineData("/boot/vmlinuz", "vmlinuz")]
    public void ReleaseFromName_DistroKernelNames_ThePartAfterTheFirstDash(string path, string release)
    {
        Assert.Equal(release, KernelIdentity.ReleaseFromName(path));
    }
}
