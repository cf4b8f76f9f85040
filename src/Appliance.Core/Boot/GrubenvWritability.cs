namespace Appliance.Core.Boot;

/// <summary>Where grubenv lives, as the probe found it.</summary>
public sealed record GrubenvStorage(string MountPoint, string FilesystemType, string Source, bool IsDeviceMapper, bool IsMdRaid);

/// <summary>
/// Whether GRUB itself can write grubenv there. GRUB's <c>save_env</c> writes the file's blocks
/// in place through the disk driver, so it refuses filesystems whose blocks are not plain
/// (btrfs and ZFS: "sparse file not allowed", from grub-core/commands/loadenv.c) and block
/// layers it only reads (LVM, dm-crypt, mdraid: "diskfilter writes are not supported", from
/// grub-core/disk/diskfilter.c). There a trial would never count down.
/// </summary>
public static class GrubenvWritability
{
    private static readonly HashSet<string> UnwritableFilesystems = new(StringComparer.Ordinal) { "btrfs", "zfs", "bcachefs" };

    /// <summary>Null when GRUB can write there; otherwise why not and what to do.</summary>
    public static string? Problem(GrubenvStorage storage)
    {
        if (UnwritableFilesystems.Contains(storage.FilesystemType))
        {
            return $"it is on {storage.FilesystemType} ({storage.MountPoint}), where GRUB's save_env cannot write (\"sparse file not allowed\"), so GRUB could never count a try down; put /boot on ext4, xfs or vfat";
        }

        if (storage.IsDeviceMapper)
        {
            return $"it is on device-mapper device {storage.Source} (LVM or dm-crypt), which GRUB can read but not write (\"diskfilter writes are not supported\"); put /boot on a plain partition";
        }

        if (storage.IsMdRaid)
        {
            return $"it is on md RAID device {storage.Source}, which GRUB can read but not write (\"diskfilter writes are not supported\"); put /boot on a plain partition";
        }

        return null;
    }
}
