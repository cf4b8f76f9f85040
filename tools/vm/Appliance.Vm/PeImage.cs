using System.Buffers.Binary;

namespace Appliance.Vm;

/// <summary>Just enough of the PE/COFF format to take an Authenticode signature off an EFI image (a signed kernel).</summary>
public static class PeImage
{
    /// <summary>
    /// Clears the certificate table entry (data directory 4, IMAGE_DIRECTORY_ENTRY_SECURITY) of a
    /// PE32+ image and cuts the table off the end of the file, where signing tools append it
    /// (Microsoft PE/COFF specification, "The Attribute Certificate Table"). Returns the bytes removed.
    /// </summary>
    public static int RemoveSignature(string path)
    {
        var image = File.ReadAllBytes(path);
        var pe = BinaryPrimitives.ReadInt32LittleEndian(image.AsSpan(0x3C));
        if (!image.AsSpan(pe, 4).SequenceEqual("PE\0\0"u8))
        {
            throw new BoardException($"{path} is not a PE image");
        }

        // Optional header after the 4-byte signature and the 20-byte COFF header; PE32+ (0x20b)
        // has its data directories at offset 112 of it, 8 bytes each (RVA, size).
        var optional = pe + 24;
        if (BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(optional)) != 0x20b)
        {
            throw new BoardException($"{path} is not a PE32+ image");
        }

        var entry = optional + 112 + (4 * 8);
        var offset = BinaryPrimitives.ReadInt32LittleEndian(image.AsSpan(entry));
        var size = BinaryPrimitives.ReadInt32LittleEndian(image.AsSpan(entry + 4));
        if (offset == 0 || size == 0 || offset + size != image.Length)
        {
            throw new BoardException($"{path} has no certificate table at its end (offset {offset}, size {size}, file {image.Length})");
        }

        image.AsSpan(entry, 8).Clear();
        File.WriteAllBytes(path, image.AsSpan(0, offset).ToArray());
        return size;
    }
}
