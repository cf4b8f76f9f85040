using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Appliance.Linux.Native;

/// <summary>The fields of <c>struct statx</c> the adapters need (offsets from include/uapi/linux/stat.h).</summary>
/// <remarks><see cref="Format"/> defaults to S_IFREG (0x8000), for statuses made up by tests.</remarks>
/// <param name="Changed">The inode's last status change (ctime), which no caller can set back: a file copied with its old mtime still shows when the copy was made.</param>
public readonly record struct FileStatus(UnixFileMode Mode, bool IsRegularFile, bool IsDirectory, uint Uid, uint Gid, long Size, uint DevMajor, uint DevMinor, ushort Format = 0x8000, DateTimeOffset Changed = default)
{
    /// <summary>What kind of file this is, in words for messages ("a character device").</summary>
    public string Kind => Format switch
    {
        S_IFREG => "a regular file",
        S_IFDIR => "a directory",
        S_IFCHR => "a character device",
        S_IFBLK => "a block device",
        S_IFIFO => "a FIFO",
        S_IFSOCK => "a socket",
        S_IFLNK => "a symbolic link",
        _ => "not a regular file",
    };

    // The file type bits, from include/uapi/linux/stat.h.
    private const ushort S_IFMT = 0xF000;
    private const ushort S_IFSOCK = 0xC000;
    private const ushort S_IFLNK = 0xA000;
    private const ushort S_IFREG = 0x8000;
    private const ushort S_IFBLK = 0x6000;
    private const ushort S_IFDIR = 0x4000;
    private const ushort S_IFCHR = 0x2000;
    private const ushort S_IFIFO = 0x1000;

    /// <summary>stat without following a final symlink; null when the path does not exist.</summary>
    public static unsafe FileStatus? Of(string path, bool followSymlinks = true)
    {
        byte* buffer = stackalloc byte[Libc.StatxSize];
        int flags = followSymlinks ? 0 : Libc.AT_SYMLINK_NOFOLLOW;
        if (Libc.statx(Libc.AT_FDCWD, path, flags, Libc.STATX_BASIC_STATS, buffer) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is Errno.ENOENT or Errno.ENOTDIR)
            {
                return null;
            }

            throw new SystemError("statx", path, errno);
        }

        var s = new ReadOnlySpan<byte>(buffer, Libc.StatxSize);
        ushort mode = BinaryPrimitives.ReadUInt16LittleEndian(s[28..]);
        return new FileStatus(
            (UnixFileMode)(mode & 0xFFF),
            (mode & S_IFMT) == S_IFREG,
            (mode & S_IFMT) == S_IFDIR,
            BinaryPrimitives.ReadUInt32LittleEndian(s[20..]),
            BinaryPrimitives.ReadUInt32LittleEndian(s[24..]),
            (long)BinaryPrimitives.ReadUInt64LittleEndian(s[40..]),
            BinaryPrimitives.ReadUInt32LittleEndian(s[136..]),
            BinaryPrimitives.ReadUInt32LittleEndian(s[140..]),
            (ushort)(mode & S_IFMT),
            // stx_ctime: struct statx_timestamp at offset 96, tv_sec (s64) then tv_nsec (u32).
            DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64LittleEndian(s[96..])).AddTicks(BinaryPrimitives.ReadUInt32LittleEndian(s[104..]) / 100));
    }
}
