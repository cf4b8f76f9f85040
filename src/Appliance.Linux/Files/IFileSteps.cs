using Microsoft.Win32.SafeHandles;

namespace Appliance.Linux.Files;

/// <summary>
/// The system calls of a durable file replacement, one member per step, so that tests can
/// stop the sequence at any step (a simulated crash) and check what is left on disk.
/// </summary>
public interface IFileSteps
{
    /// <summary>Creates a new file exclusively (O_CREAT|O_EXCL) with the given mode.</summary>
    SafeFileHandle CreateExclusive(string path, UnixFileMode mode);

    /// <summary>Opens an existing file for writing in place, without truncating it.</summary>
    SafeFileHandle OpenExisting(string path);

    void Write(SafeFileHandle file, ReadOnlySpan<byte> data, long offset);

    void SetOwner(SafeFileHandle file, string path, uint uid, uint gid);

    void Fsync(SafeFileHandle file, string path);

    void Rename(string from, string to);

    void FsyncDirectory(string directory);

    /// <summary>A second name for a file (link(2)), which keeps its inode and blocks allocated.</summary>
    void Link(string existing, string newPath);

    /// <summary>
    /// Writes the filesystem's journal back to the blocks' home locations, so a reader that
    /// does not replay the journal (GRUB) sees what the kernel sees.
    /// </summary>
    void CheckpointFilesystem(string directory);

    void Delete(string path);

    /// <summary>
    /// The directory is on FAT (vfat, msdos: the EFI system partition), where a rename-based
    /// replace rewrites the allocation table and a power cut in it damages the volume.
    /// </summary>
    bool IsOnFat(string directory);
}
