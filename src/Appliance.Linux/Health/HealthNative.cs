using System.Runtime.InteropServices;

using static Appliance.Core.Errno;

namespace Appliance.Linux.Health;

/// <summary>
/// The libc calls the check runner and the built-in checks need beyond <see cref="Native.Libc"/>:
/// posix_spawn with its own process group, pipes, poll, kill, waitid and statvfs. Calls that
/// return an error number (the posix_spawn family) say so; the others return -1 and leave errno.
/// </summary>
internal static unsafe partial class HealthNative
{
    // glibc and musl spawn.h agree on these flags.
    public const short POSIX_SPAWN_SETPGROUP = 0x02;
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;

    // Opaque libc structures, allocated by us and set up by their init functions:
    // posix_spawnattr_t is 336 bytes and posix_spawn_file_actions_t 80 on 64-bit glibc and
    // musl; sigset_t is 128 bytes in both. Twice that leaves room for any libc.
    public const int SpawnAttrSize = 1024;
    public const int FileActionsSize = 256;
    public const int SigSetSize = 256;

    // include/uapi/asm-generic/signal.h (x86_64 and arm64 agree).
    public const int SIGKILL = 9;

    // include/uapi/asm-generic/fcntl.h
    public const int O_CLOEXEC = 0x80000;

    // include/uapi/asm-generic/poll.h
    public const short POLLIN = 0x001;

    // include/uapi/linux/wait.h: P_PID 1; WNOHANG 1, WEXITED 4, WNOWAIT 0x01000000.
    public const int P_PID = 1;
    public const int WNOHANG = 1;
    public const int WEXITED = 4;
    public const int WNOWAIT = 0x01000000;

    /// <summary>siginfo_t is 128 bytes; on 64-bit the pid is at offset 16 (include/uapi/asm-generic/siginfo.h).</summary>
    public const int SigInfoSize = 128;
    public const int SigInfoPidOffset = 16;


    /// <summary>statvfs.f_flag: ST_RDONLY (include/linux/statfs.h, bits/statvfs.h).</summary>
    public const ulong ST_RDONLY = 1;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>struct statvfs on 64-bit glibc and musl: unsigned longs in this order, then spare ints.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct StatVfs
    {
        public ulong Bsize;
        public ulong Frsize;
        public ulong Blocks;
        public ulong Bfree;
        public ulong Bavail;
        public ulong Files;
        public ulong Ffree;
        public ulong Favail;
        public ulong Fsid;
        public ulong Flag;
        public ulong Namemax;
        public fixed int Spare[6];
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawn(out int pid, string path, byte* fileActions, byte* attr, nint* argv, nint* envp);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_init(byte* attr);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_destroy(byte* attr);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_setflags(byte* attr, short flags);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_setpgroup(byte* attr, int pgroup);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_setsigdefault(byte* attr, byte* sigset);

    [LibraryImport("libc")]
    public static partial int posix_spawnattr_setsigmask(byte* attr, byte* sigset);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_init(byte* actions);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_destroy(byte* actions);

    [LibraryImport("libc")]
    public static partial int posix_spawn_file_actions_adddup2(byte* actions, int fd, int newfd);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawn_file_actions_addopen(byte* actions, int fd, string path, int oflag, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int sigemptyset(byte* set);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int sigfillset(byte* set);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint nfds, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int waitid(int idtype, uint id, byte* info, int options);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int waitpid(int pid, out int status, int options);

    [LibraryImport("libc")]
    public static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statvfs(string path, out StatVfs buffer);
}
