using System.Runtime.InteropServices;
using Appliance.Linux.Native;

namespace Appliance.Linux.Files;

/// <summary>
/// An exclusive advisory lock (flock) on a directory, held while a file in it is read,
/// changed and replaced. Locking the directory rather than the file survives the rename that
/// replaces the file, and leaves no lock file behind in /boot.
/// </summary>
public sealed class DirectoryLock : IDisposable
{
    private int _fd;

    private DirectoryLock(int fd) => _fd = fd;

    /// <summary>Waits up to <paramref name="timeout"/> for the lock; throws <see cref="TimeoutException"/> naming the directory when another process holds it that long.</summary>
    public static DirectoryLock Acquire(string directory, TimeSpan timeout, TimeProvider time)
    {
        int fd = Libc.open(directory, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            throw new SystemError("open", directory, Marshal.GetLastPInvokeError());
        }

        long start = time.GetTimestamp();
        while (true)
        {
            if (Libc.flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) == 0)
            {
                return new DirectoryLock(fd);
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.EWOULDBLOCK && errno != Errno.EINTR)
            {
                Libc.close(fd);
                throw new SystemError("flock", directory, errno);
            }

            if (time.GetElapsedTime(start) >= timeout)
            {
                Libc.close(fd);
                throw new TimeoutException($"{directory}: another process has held the lock for {timeout.TotalSeconds:0} s; try again when it has finished");
            }

            Thread.Sleep(20);
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Libc.close(_fd);
            _fd = -1;
        }
    }
}
