using Appliance.Linux.Native;

namespace Appliance.Linux.Files;

/// <summary>
/// Replaces a file's contents so that after a crash at any point the path holds either the
/// old contents or the new, never a mix: write a temporary file in the same directory, fsync
/// it, rename it over the target, fsync the directory. The live file is never truncated or
/// written in place, and keeps its mode and owner.
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
    /// contents or the new, and never writes outside them.
    /// </param>
    public void Replace(string path, ReadOnlySpan<byte> contents, UnixFileMode fallbackMode, bool readByBootloader = false)
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

                _steps.Link(path, previous);
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
