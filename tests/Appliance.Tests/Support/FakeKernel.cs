namespace Appliance.Tests.Support;

/// <summary>A stand-in for a kernel file in fake trees: the x86 setup header's "HdrS" magic at 0x202 and nothing bootable.</summary>
public static class FakeKernel
{
    public static byte[] BzImage()
    {
        var bytes = new byte[0x400];
        "HdrS"u8.CopyTo(bytes.AsSpan(0x202));
        return bytes;
    }

    /// <summary>Writes a fake bzImage at <paramref name="relative"/> under <paramref name="dir"/>.</summary>
    public static string WriteKernel(this TempDir dir, string relative)
    {
        string path = dir.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, BzImage());
        return path;
    }
}
