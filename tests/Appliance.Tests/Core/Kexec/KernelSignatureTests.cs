using System.Buffers.Binary;
using Appliance.Core.Kexec;
using Appliance.Tests.Support;

namespace Appliance.Tests.Core.Kexec;

public sealed class KernelSignatureTests
{
    [Fact]
    public void Read_PeWithCertificateTable_Signed()
    {
        byte[] image = FakeEfiKernel.Image(signed: true);

        Assert.Equal(KernelSignatureState.Signed, KernelSignature.Read(image, image.Length));
    }

    [Fact]
    public void Read_PeWithEmptyCertificateTable_Unsigned()
    {
        byte[] image = FakeEfiKernel.Image(signed: false);

        Assert.Equal(KernelSignatureState.Unsigned, KernelSignature.Read(image, image.Length));
    }

    [Fact]
    public void Read_BzImageWithoutEfiStub_NotPe()
    {
        byte[] image = FakeKernel.BzImage();

        Assert.Equal(KernelSignatureState.NotPe, KernelSignature.Read(image, image.Length));
    }

    [Fact]
    public void Read_CertificateTablePastTheEndOfTheFile_Unreadable()
    {
        byte[] image = FakeEfiKernel.Image(signed: true);

        Assert.Equal(KernelSignatureState.Unreadable, KernelSignature.Read(image, FakeEfiKernel.CertificateOffset + 0x10));
    }

    [Fact]
    public void Read_Pe32WithFewerThanFiveDirectories_Unsigned()
    {
        byte[] image = FakeEfiKernel.Image(signed: true);
        int optional = FakeEfiKernel.PeOffset + 24;
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(optional), 0x10B);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(optional + 92), 4);

        Assert.Equal(KernelSignatureState.Unsigned, KernelSignature.Read(image, image.Length));
    }

    [Fact]
    public void Read_PeHeaderBeyondTheBytesGiven_Unreadable()
    {
        byte[] image = FakeEfiKernel.Image(signed: true);

        Assert.Equal(KernelSignatureState.Unreadable, KernelSignature.Read(image.AsSpan(0, 0x60), image.Length));
    }
}
