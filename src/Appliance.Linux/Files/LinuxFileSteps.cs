using System.Runtime.InteropServices;
using Appliance.Linux.Native;
using Microsoft.Win32.SafeHandles;

namespace Appliance.Linux.Files;

/// <summary>The real system calls behind <see cref="IFileSteps"/>.</summary>
public sealed class LinuxFileSteps : IFileSteps
{
    public static LinuxFileSteps Instance { get; } = new();

    public SafeFileHandle CreateExclusive(string path, UnixFileMode mode)
    {
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        try
        {
            // Set explicitly: the mode given at creation is filtered by the umask, and the
            // replacement must carry exactly the old file's mode.
            File.SetUnixFileMode(handle, mode);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public SafeFileHandle OpenExisting(string path) => File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.None);

    public void Write(SafeFileHandle file, ReadOnlySpan<byte> data, long offset) => RandomAccess.Write(file, data, offset);

    public void SetOwner(SafeFileHandle file, string path, uint uid, uint gid)
    {
        if (Libc.fchown((int)file.DangerousGetHandle(), (int)uid, (int)gid) != 0)
        {
            throw new SystemError("fchown", path, Marshal.GetLastPInvokeError());
        }
    }

    public void Fsync(SafeFileHandle file, string path)
    {
        if (Libc.fsync((int)file.DangerousGetHandle()) != 0)
        {
            throw new SystemError("fsync", path, Marshal.GetLastPInvokeError());
        }
    }

    public void Rename(string from, string to)
    {
        if (Libc.rename(from, to) != 0)
        {
            throw new SystemError("rename", to, Marshal.GetLastPInvokeError());
        }
    }

    public void FsyncDirectory(string directory)
    {
        int fd = Libc.open(directory, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            throw new SystemError("open", directory, Marshal.GetLastPInvokeError());
        }

        try
        {
            if (Libc.fsync(fd) != 0)
            {
                throw new SystemError("fsync", directory, Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            Libc.close(fd);
        }
    }

    public void Delete(string path) => File.Delete(path);

    public unsafe bool IsOnFat(string directory)
    {
        int fd = Libc.open(directory, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            throw new SystemError("open", directory, Marshal.GetLastPInvokeError());
        }

        try
        {
            byte* buffer = stackalloc byte[Libc.StatfsSize];
            if (Libc.fstatfs(fd, buffer) != 0)
            {
                throw new SystemError("fstatfs", directory, Marshal.GetLastPInvokeError());
            }

            return *(long*)buffer == Libc.MSDOS_SUPER_MAGIC;
        }
        finally
        {
            Libc.close(fd);
        }
    }

    public void Link(string existing, string newPath)
    {
        if (Libc.link(existing, newPath) != 0)
        {
            throw new SystemError("link", newPath, Marshal.GetLastPInvokeError());
        }
    }

    /// <remarks>
    /// ext4 checkpoints its journal on request (EXT4_IOC_CHECKPOINT). Any refusal (not ext4:
    /// ENOTTY; ext4 without a journal: ENODEV; no CAP_SYS_ADMIN: EPERM) falls back to syncfs,
    /// the most there is elsewhere: enough for filesystems without a journal (the vfat of an
    /// EFI system partition), and it at least commits a journal. The file is already replaced
    /// when this runs, so only a failing syncfs is an error.
    /// </remarks>
    public unsafe void CheckpointFilesystem(string directory)
    {
        int fd = Libc.open(directory, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            throw new SystemError("open", directory, Marshal.GetLastPInvokeError());
        }

        try
        {
            uint flags = 0;
            if (Libc.ioctl(fd, Libc.EXT4_IOC_CHECKPOINT, &flags) == 0)
            {
                return;
            }

            if (Libc.syncfs(fd) != 0)
            {
                throw new SystemError("syncfs", directory, Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            Libc.close(fd);
        }
    }
}
