using System.Runtime.InteropServices;

namespace Appliance.Linux.Native;

/// <summary>
/// The few libc calls .NET does not expose. Each returns -1 and leaves errno for
/// <see cref="Marshal.GetLastPInvokeError"/> on failure, as libc does.
/// </summary>
internal static partial class Libc
{
    // Values from the kernel's include/uapi/asm-generic/fcntl.h (x86_64 and arm64 agree).
    public const int O_RDONLY = 0x0;
    public const int O_DIRECTORY = 0x10000;
    public const int O_CLOEXEC = 0x80000;

    // include/uapi/asm-generic/fcntl.h: LOCK_EX 2, LOCK_NB 4, LOCK_UN 8.
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;

    // include/uapi/asm-generic/errno-base.h and errno.h
    public const int EINTR = 4;
    public const int EACCES = 13;
    public const int EROFS = 30;
    public const int EWOULDBLOCK = 11;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int flock(int fd, int operation);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fchown(int fd, int owner, int group);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rename(string oldpath, string newpath);

    // include/uapi/linux/fcntl.h: AT_FDCWD -100, AT_SYMLINK_NOFOLLOW 0x100; include/uapi/linux/stat.h: STATX_BASIC_STATS 0x7ff.
    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const uint STATX_BASIC_STATS = 0x7ff;

    /// <summary>struct statx is 256 bytes with the same layout on every architecture (include/uapi/linux/stat.h).</summary>
    public const int StatxSize = 256;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "strerror")]
    private static partial nint strerror_native(int errnum);

    public static string StrError(int errno) => Marshal.PtrToStringUTF8(strerror_native(errno)) ?? $"errno {errno}";
}
