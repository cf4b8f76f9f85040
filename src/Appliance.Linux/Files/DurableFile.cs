using Appliance.Core;
using Appliance.Core.Storage;
using Appliance.Linux.Native;

namespace Appliance.Linux.Files;

/// <summary>
/// Replaces a file's contents so that after a crash at any point the path holds either the
/// old contents or the new, never a mix: write a temporary file in the same directory, fsync
/// it, rename it over the target, fsync the directory. The live file is never truncated or
/// written in place, and keeps its mode and owner. The exception is a file the bootloader
/// reads on FAT, where the rename itself is the danger (see <see cref="Replace"/>).
/// </summary>
public sealed class DurableFile
{
    private readonly IFileSteps _steps;

    public DurableFile(IFileSteps steps) => _steps = steps;

    /// <summary>The temporary file used while replacing <paramref name="path"/>. Callers hold the directory lock, so one name suffices and a leftover from a crash is simply replaced.</summary>
    public static string TemporaryPathFor(string path) =>
        Path.Combine(Path.GetDirectoryName(path) ?? ".", "." + Path.GetFileName(path) + ".appliance-new");

    /// <summary>The second name the replaced file keeps when a bootloader reads the file (see <see cref="Replace"/>).</summary>
    public static string PreviousPathFor(string path) =>
        Path.Combine(Path.GetDirectoryName(path) ?? ".", "." + Path.GetFileName(path) + ".appliance-prev");

    /// <param name="fallbackMode">The mode for a file that does not exist yet.</param>
    /// <param name="readByBootloader">
    /// The file is read by GRUB, which reads the filesystem without replaying its journal. After
    /// a power cut between the rename and the journal reaching its home blocks, GRUB still finds
    /// the old inode; if its blocks had been freed, GRUB's save_env would write into whatever
    /// reused them (seen on the QEMU board). So the old file keeps a second name until the next
    /// replacement, and the journal is checkpointed right after the rename: GRUB sees the old
    /// contents or the new, and never writes outside them. On FAT (the EFI system partition) a
    /// change confined to one sector is written in place instead (<see cref="SectorRewrite"/>);
    /// a larger change falls back to the rename, which a power cut can leave with a damaged
    /// allocation table (README, "grubenv on the ESP").
    /// </param>
    /// <param name="current">
    /// With <paramref name="readByBootloader"/>: the file's contents as the caller read them under
    /// the lock it still holds, so the in-place path on FAT compares against them instead of
    /// reading the file again; null to have it read here.
    /// </param>
    public void Replace(string path, ReadOnlySpan<byte> contents, UnixFileMode fallbackMode, bool readByBootloader = false, byte[]? current = null)
    {
        // Write through a symlink, as grub-editenv does: Fedora's /boot/grub2/grubenv links into
        // the EFI partition, and renaming over the link would replace it with a regular file
        // that GRUB never reads. The temporary file goes beside the target, on its filesystem.
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            path = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }

        string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/";
        string temporary = TemporaryPathFor(path);
        FileStatus? existing = FileStatus.Of(path);
        if (readByBootloader && existing is { IsRegularFile: true } && _steps.IsOnFat(directory)
            && TryOverwriteOneSector(path, current ?? File.ReadAllBytes(path), contents))
        {
            return;
        }

        if (File.Exists(temporary))
        {
            _steps.Delete(temporary);
        }

        bool renamed = false;
        try
        {
            using (var file = _steps.CreateExclusive(temporary, existing?.Mode ?? fallbackMode))
            {
                _steps.Write(file, contents, 0);
                if (existing is { } old)
                {
                    _steps.SetOwner(file, temporary, old.Uid, old.Gid);
                }

                _steps.Fsync(file, temporary);
            }

            if (readByBootloader && existing is not null)
            {
                string previous = PreviousPathFor(path);
                if (FileStatus.Of(previous, followSymlinks: false) is not null)
                {
                    _steps.Delete(previous);
                }

                LinkUnlessUnsupported(path, previous);
            }

            _steps.Rename(temporary, path);
            renamed = true;
            _steps.FsyncDirectory(directory);
            if (readByBootloader)
            {
                _steps.CheckpointFilesystem(directory);
            }
        }
        catch when (!renamed)
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Writes the one changed sector into the file in place and fsyncs it; false (nothing
    /// written) when more than one sector changed. Size and clusters stay as they are, so FAT's
    /// allocation table is not written at all; the directory entry gets a new modification time,
    /// a rewrite of one sector with its cluster and size unchanged.
    /// </summary>
    /// <param name="current">
    /// The bytes on disk now. What the caller passes is not checked against the file again: it
    /// read them under the directory lock (<see cref="DirectoryLock"/>) it holds through this
    /// write, which every grubenv writer here takes, and GRUB writes (save_env) only before
    /// Linux runs. A grub-editenv run by hand takes no lock, and a second read would not keep it
    /// out either: it could write just after that read as well as just after the caller's.
    /// </param>
    private bool TryOverwriteOneSector(string path, ReadOnlySpan<byte> current, ReadOnlySpan<byte> contents)
    {
        if (SectorRewrite.Plan(current, contents) is not { } sector)
        {
            return false;
        }

        if (!sector.IsEmpty)
        {
            using var file = _steps.OpenExisting(path);
            _steps.Write(file, contents.Slice(sector.Offset, sector.Length), sector.Offset);
            _steps.Fsync(file, path);
        }

        return true;
    }

    /// <summary>
    /// Gives the old file its second name, except on a filesystem without hard links: vfat (the
    /// EFI system partition Fedora and RHEL keep grubenv on) has no link operation, which
    /// link(2) reports as EPERM (fs/namei.c vfs_link: no i_op->link; fs/fat/namei_vfat.c
    /// vfat_dir_inode_operations has none); EOPNOTSUPP is the other answer for "no hard links
    /// here". The second name only bridges the ext4 journal gap; FAT has no journal, so once the
    /// file and the directory are fsynced GRUB reads exactly what the kernel wrote, and
    /// vfat_rename over an existing name rewrites the target's one 32-byte directory entry in
    /// place (start cluster and size of the new file, or of the old). Any other error stands.
    /// </summary>
    private void LinkUnlessUnsupported(string path, string previous)
    {
        try
        {
            _steps.Link(path, previous);
        }
        catch (SystemError e) when (e.Errno is Errno.EPERM or Errno.EOPNOTSUPP)
        {
            // No second name on this filesystem: see above.
        }
    }

    private void TryDelete(string temporary)
    {
        try
        {
            _steps.Delete(temporary);
        }
        catch (IOException)
        {
            // The original error is the one worth reporting; a leftover temporary file is
            // replaced by the next write.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
