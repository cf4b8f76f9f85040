namespace Appliance.Core.Storage;

/// <summary>The byte range an in-place overwrite has to write: at most one sector, sector-aligned.</summary>
public readonly record struct SectorRange(int Offset, int Length)
{
    public bool IsEmpty => Length == 0;
}

/// <summary>
/// When overwriting a file in place cannot be torn by a power cut. A disk writes a sector
/// whole or not at all, so an overwrite whose new bytes differ from the old in one sector
/// leaves the old contents or the new, whatever the moment of the cut. GRUB's own
/// <c>save_env</c> writes grubenv this way (grub-core/commands/loadenv.c, write_blocklists:
/// the block's sectors, found while reading it, written with grub_disk_write). On FAT it is
/// the one write that leaves the allocation table and the directory's cluster chains alone:
/// a rename-based replace allocates a cluster for the new file and frees the old one, and a cut
/// between those sector writes damages the volume (seen on the UEFI board's ESP).
/// </summary>
public static class SectorRewrite
{
    /// <summary>
    /// 512 bytes: the smallest logical sector size of a Linux block device and GRUB's
    /// GRUB_DISK_SECTOR_SIZE (include/grub/disk.h). A file's data starts on a cluster (FAT) or
    /// block (ext4) boundary, which is sector-aligned, so file offsets map onto sectors. A disk
    /// with larger sectors only makes the guarantee stronger.
    /// </summary>
    public const int SectorSize = 512;

    /// <summary>
    /// The one sector to write for <paramref name="next"/> to replace <paramref name="current"/>:
    /// empty when nothing changed; null when the sizes differ or more than one sector changed,
    /// where no in-place write is safe from tearing.
    /// </summary>
    public static SectorRange? Plan(ReadOnlySpan<byte> current, ReadOnlySpan<byte> next)
    {
        if (current.Length != next.Length)
        {
            return null;
        }

        SectorRange? changed = new SectorRange(0, 0);
        for (int offset = 0; offset < next.Length; offset += SectorSize)
        {
            int length = Math.Min(SectorSize, next.Length - offset);
            if (current.Slice(offset, length).SequenceEqual(next.Slice(offset, length)))
            {
                continue;
            }

            if (changed is { IsEmpty: false })
            {
                return null;
            }

            changed = new SectorRange(offset, length);
        }

        return changed;
    }
}
