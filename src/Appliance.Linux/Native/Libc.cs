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

    /// <summary>
    /// f_type of statfs for FAT (vfat and msdos), MSDOS_SUPER_MAGIC in include/uapi/linux/magic.h.
    /// It is the first member of struct statfs, a long on 64-bit glibc (bits/statfs.h), which is
    /// 120 bytes in all; the buffer leaves room.
    /// </summary>
    public const long MSDOS_SUPER_MAGIC = 0x4d44;
    public const int StatfsSize = 256;

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial int fstatfs(int fd, byte* buffer);

    // include/uapi/linux/reboot.h; glibc's reboot() adds the magic numbers itself.
    public const int RB_AUTOBOOT = 0x01234567;
    public const int RB_KEXEC = 0x45584543;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int reboot(int howto);

    [LibraryImport("libc")]
    public static partial void sync();

    [LibraryImport("libc", EntryPoint = "strerror")]
    private static partial nint strerror_native(int errnum);

    public static string StrError(int errno) => Marshal.PtrToStringUTF8(strerror_native(errno)) ?? $"errno {errno}";

    // Watchdog daemon (issue 5). include/uapi/asm-generic/fcntl.h: O_WRONLY 1, O_RDWR 2.
    public const int O_WRONLY = 0x1;
    public const int O_RDWR = 0x2;

    // include/uapi/asm-generic/mman-common.h: MCL_CURRENT 1, MCL_FUTURE 2.
    public const int MCL_CURRENT = 1;
    public const int MCL_FUTURE = 2;

    // include/uapi/linux/sched.h: SCHED_FIFO 1.
    public const int SCHED_FIFO = 1;

    /// <summary>ioctl(2) with a pointer argument; every ioctl Appliance issues passes a struct or an int by address.</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial int ioctl(int fd, nuint request, void* argument);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int mlockall(int flags);

    // include/uapi/asm-generic/mman-common.h: MADV_RANDOM 1, MADV_DONTNEED 4, MADV_PAGEOUT 21 (Linux 5.4+).
    public const int MADV_RANDOM = 1;
    public const int MADV_DONTNEED = 4;
    public const int MADV_PAGEOUT = 21;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int munlockall();

    [LibraryImport("libc", SetLastError = true)]
    public static partial int madvise(nuint address, nuint length, int advice);

    /// <summary>struct sched_param is one int, sched_priority (include/uapi/linux/sched/types.h).</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial int sched_setscheduler(int pid, int policy, int* param);

    // include/uapi/asm-generic/signal.h: SIGKILL 9.
    public const int SIGKILL = 9;

    /// <summary>kill(2); a negative pid signals the whole process group.</summary>
    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);

    // Kexec failover (issue 6). Syscall numbers: arch/x86/entry/syscalls/syscall_64.tbl (320)
    // and include/uapi/asm-generic/unistd.h, which arm64 uses (294).
    public const long SYS_kexec_file_load_x86_64 = 320;
    public const long SYS_kexec_file_load_arm64 = 294;

    // include/uapi/linux/kexec.h
    public const ulong KEXEC_FILE_UNLOAD = 0x1;
    public const ulong KEXEC_FILE_ON_CRASH = 0x2;
    public const ulong KEXEC_FILE_NO_INITRAMFS = 0x4;

    // include/uapi/linux/memfd.h
    public const uint MFD_CLOEXEC = 0x1;

    /// <summary>
    /// syscall(2) with five integer arguments, for kexec_file_load(kernel_fd, initrd_fd,
    /// cmdline_len, cmdline, flags), which glibc does not wrap. glibc's syscall() is assembly
    /// that reads its arguments from the integer registers, so a fixed signature is safe.
    /// </summary>
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static unsafe partial long syscall_kexec_file_load(long number, long kernelFd, long initrdFd, nuint cmdlineLength, byte* cmdline, nuint flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int memfd_create(string name, uint flags);

    [LibraryImport("libc")]
    public static partial uint geteuid();

    // include/uapi/asm-generic/mman-common.h: MCL_ONFAULT 4 (Linux 4.4+).
    public const int MCL_ONFAULT = 4;

    // include/uapi/linux/ext4.h: EXT4_IOC_CHECKPOINT _IOW('f', 43, __u32), since Linux 5.13.
    public const uint EXT4_IOC_CHECKPOINT = 0x4004662B;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int link(string oldpath, string newpath);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int syncfs(int fd);
}
