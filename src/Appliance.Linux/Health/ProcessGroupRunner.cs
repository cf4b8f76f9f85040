using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Appliance.Core.Health;
using Appliance.Linux.Native;

namespace Appliance.Linux.Health;

/// <summary>How a check process ended.</summary>
/// <param name="ExitCode">The exit status; null when it was killed by a signal or timed out.</param>
/// <param name="Signal">The signal that killed it, when one did (not ours on timeout).</param>
/// <param name="TimedOut">It ran past its time and its process group was killed.</param>
/// <param name="Output">stdout and stderr interleaved as written, capped (see <see cref="OutputCapture"/>).</param>
public sealed record ProcessGroupResult(int? ExitCode, int? Signal, bool TimedOut, string Output, long OutputBytes, bool OutputTruncated, TimeSpan Duration)
{
    /// <summary>The end of the program judged by the one rule (<see cref="Core.Health.ExitStatus"/>).</summary>
    public Core.Health.CheckOutcome Judge(TimeSpan timeout) => Core.Health.ExitStatus.Judge(ExitCode, Signal, TimedOut, Output, timeout);
}

/// <summary>
/// Runs a program with posix_spawn (fork and execve, never a shell) in a process group of its
/// own, so that on timeout the whole group, grandchildren included, is killed with one
/// <c>kill(-pgid, SIGKILL)</c>. System.Diagnostics.Process cannot set the process group.
/// The group is also killed when the program itself exits: a check must not leave processes
/// behind, and one holding the output pipe open would otherwise keep us waiting. A process
/// that moves to another session (setsid) escapes this; only a cgroup would catch it.
/// </summary>
public sealed class ProcessGroupRunner(TimeProvider time, int outputLimitBytes)
{
    /// <summary>The environment checks see: a fixed, minimal one, so that no variable of the caller (LD_PRELOAD, a proxy) leaks into them.</summary>
    public static IReadOnlyList<string> Environment(string root) =>
    [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "LC_ALL=C",
        "HOME=/",
        $"APPLIANCE_ROOT={root}",
    ];

    // How long to wait for a killed group to be reaped. SIGKILL cannot be caught, but a process
    // in uninterruptible sleep (a dead NFS server) dies only when the sleep ends.
    private static readonly TimeSpan ReapGrace = TimeSpan.FromSeconds(5);

    // While the program runs with its output closed, or a grandchild holds the output open,
    // exit is noticed by polling at this period; normally the pipe's end wakes us at once.
    private const int ExitPollMs = 20;

    // A pipe holds 64 KiB by default (pipe(7)); reading that much at a time empties it in one
    // call. The buffer is pooled: the watchdog daemon runs command checks every second.
    private const int ReadBufferBytes = 65536;

    /// <summary>Most a program may be handed on stdin: what fits in a pipe (pipe(7): 64 KiB), so handing it over never waits on the child.</summary>
    public const int MaxStandardInputBytes = 60 * 1024;

    /// <summary>Runs <paramref name="path"/> with <paramref name="args"/> as argv[1..], stdin from /dev/null or, when given, <paramref name="standardInput"/>.</summary>
    /// <exception cref="SystemError">The program could not be started (no such file, not executable).</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the process group was killed first.</exception>
    public ProcessGroupResult Run(string path, IReadOnlyList<string> args, IReadOnlyList<string> environment, TimeSpan timeout, CancellationToken cancellation, byte[]? standardInput = null)
    {
        if (standardInput is { Length: > MaxStandardInputBytes })
        {
            throw new ArgumentException($"at most {MaxStandardInputBytes} bytes can be handed on stdin", nameof(standardInput));
        }

        long start = time.GetTimestamp();
        var capture = new OutputCapture(outputLimitBytes);
        (int pid, int readFd) = SpawnRetryingBusy(path, args, environment, standardInput);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        bool timedOut = false;
        bool cancelled = false;
        int? status;
        try
        {
            bool pipeOpen = true;
            while (true)
            {
                TimeSpan left = timeout - time.GetElapsedTime(start);
                if (left <= TimeSpan.Zero || cancellation.IsCancellationRequested)
                {
                    timedOut = !cancellation.IsCancellationRequested;
                    cancelled = !timedOut;
                    KillGroup(pid);
                    status = Reap(pid, readFd, capture, buffer, ref pipeOpen);
                    break;
                }

                // Wake at least every 100 ms to notice cancellation.
                int waitMs = (int)Math.Clamp(Math.Ceiling(left.TotalMilliseconds), 1, pipeOpen ? 100 : ExitPollMs);
                if (pipeOpen)
                {
                    pipeOpen = ReadSome(readFd, waitMs, capture, buffer) != PipeState.Closed;
                }
                else
                {
                    Thread.Sleep(waitMs);
                }

                if (HasExited(pid))
                {
                    // The leader is a zombie until reaped, so its pid (the group id) cannot be
                    // reused yet: killing the group now cannot hit anybody else.
                    KillGroup(pid);
                    status = Reap(pid, readFd, capture, buffer, ref pipeOpen);
                    break;
                }
            }
        }
        finally
        {
            HealthNative.close(readFd);
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (cancelled)
        {
            throw new OperationCanceledException(cancellation);
        }

        TimeSpan duration = time.GetElapsedTime(start);
        int? exitCode = null, signal = null;
        if (!timedOut && status is { } s)
        {
            // wait(2) status: low 7 bits the terminating signal, or 0 and the exit code in bits 8-15.
            if ((s & 0x7f) == 0)
            {
                exitCode = (s >> 8) & 0xff;
            }
            else
            {
                signal = s & 0x7f;
            }
        }

        return new ProcessGroupResult(exitCode, signal, timedOut, capture.ToString(), capture.TotalBytes, capture.Truncated, duration);
    }

    /// <summary>
    /// execve fails with ETXTBSY while any process holds the file open for writing: a package
    /// manager or editor replacing a check or hook right now, or a child another thread of this
    /// process forked between its open and its exec (the fd is closed only at that child's exec).
    /// Both pass within moments, so try again briefly before calling it an error.
    /// </summary>
    private static (int Pid, int ReadFd) SpawnRetryingBusy(string path, IReadOnlyList<string> args, IReadOnlyList<string> environment, byte[]? standardInput)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return Spawn(path, args, environment, standardInput);
            }
            catch (SystemError e) when (e.Errno == Errno.ETXTBSY && attempt < 5)
            {
                Thread.Sleep(20 * attempt);
            }
        }
    }

    private static unsafe (int Pid, int ReadFd) Spawn(string path, IReadOnlyList<string> args, IReadOnlyList<string> environment, byte[]? standardInput)
    {
        int* fds = stackalloc int[2];
        if (HealthNative.pipe2(fds, HealthNative.O_CLOEXEC) != 0)
        {
            throw new SystemError("pipe2", path, Marshal.GetLastPInvokeError());
        }

        int* input = stackalloc int[2] { -1, -1 };
        if (standardInput is not null && HealthNative.pipe2(input, HealthNative.O_CLOEXEC) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            HealthNative.close(fds[0]);
            HealthNative.close(fds[1]);
            throw new SystemError("pipe2", path, errno);
        }

        byte* attr = stackalloc byte[HealthNative.SpawnAttrSize];
        byte* actions = stackalloc byte[HealthNative.FileActionsSize];
        byte* defaults = stackalloc byte[HealthNative.SigSetSize];
        byte* mask = stackalloc byte[HealthNative.SigSetSize];
        nint* argv = stackalloc nint[args.Count + 2];
        nint* envp = stackalloc nint[environment.Count + 1];
        var strings = new List<nint>();
        bool spawned = false;
        try
        {
            Check(HealthNative.posix_spawnattr_init(attr), "posix_spawnattr_init", path);
            Check(HealthNative.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init", path);

            // The runtime ignores SIGPIPE, and ignored signals survive execve: reset every
            // signal to its default and unblock all, so the check starts as from a shell.
            HealthNative.sigfillset(defaults);
            HealthNative.sigemptyset(mask);
            Check(HealthNative.posix_spawnattr_setsigdefault(attr, defaults), "posix_spawnattr_setsigdefault", path);
            Check(HealthNative.posix_spawnattr_setsigmask(attr, mask), "posix_spawnattr_setsigmask", path);

            // Process group 0: the child's own pid becomes its group id.
            Check(HealthNative.posix_spawnattr_setpgroup(attr, 0), "posix_spawnattr_setpgroup", path);
            Check(
                HealthNative.posix_spawnattr_setflags(attr, HealthNative.POSIX_SPAWN_SETPGROUP | HealthNative.POSIX_SPAWN_SETSIGDEF | HealthNative.POSIX_SPAWN_SETSIGMASK),
                "posix_spawnattr_setflags",
                path);

            // stdout and stderr share one pipe, so the output keeps the order it was written in.
            // The pipe's own descriptors are close-on-exec; dup2 clears that on the copies.
            if (standardInput is null)
            {
                Check(HealthNative.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", Libc.O_RDONLY, 0), "posix_spawn_file_actions_addopen", path);
            }
            else
            {
                Check(HealthNative.posix_spawn_file_actions_adddup2(actions, input[0], 0), "posix_spawn_file_actions_adddup2", path);
            }

            Check(HealthNative.posix_spawn_file_actions_adddup2(actions, fds[1], 1), "posix_spawn_file_actions_adddup2", path);
            Check(HealthNative.posix_spawn_file_actions_adddup2(actions, fds[1], 2), "posix_spawn_file_actions_adddup2", path);

            argv[0] = Utf8(path, strings);
            for (int i = 0; i < args.Count; i++)
            {
                argv[i + 1] = Utf8(args[i], strings);
            }

            argv[args.Count + 1] = 0;
            for (int i = 0; i < environment.Count; i++)
            {
                envp[i] = Utf8(environment[i], strings);
            }

            envp[environment.Count] = 0;

            // posix_spawn returns the error of the exec itself (glibc 2.24+, musl), e.g. ENOENT, EACCES.
            Check(HealthNative.posix_spawn(out int pid, path, actions, attr, argv, envp), "posix_spawn", path);
            spawned = true;
            if (standardInput is not null)
            {
                // Fits in the pipe (MaxStandardInputBytes), so this never waits on the child; a
                // child that exits without reading only makes the write fail, which is its business.
                fixed (byte* data = standardInput)
                {
                    for (int written = 0; written < standardInput.Length;)
                    {
                        nint n = Libc.write(input[1], data + written, (nuint)(standardInput.Length - written));
                        if (n <= 0)
                        {
                            break;
                        }

                        written += (int)n;
                    }
                }
            }

            return (pid, fds[0]);
        }
        finally
        {
            HealthNative.close(fds[1]);
            if (standardInput is not null)
            {
                HealthNative.close(input[0]);
                HealthNative.close(input[1]);
            }

            if (!spawned)
            {
                HealthNative.close(fds[0]);
            }

            HealthNative.posix_spawn_file_actions_destroy(actions);
            HealthNative.posix_spawnattr_destroy(attr);
            foreach (nint s in strings)
            {
                Marshal.FreeHGlobal(s);
            }
        }
    }

    private enum PipeState
    {
        Data,
        Idle,
        Closed,
    }

    /// <summary>Waits up to <paramref name="waitMs"/> for output and reads what is there.</summary>
    private static unsafe PipeState ReadSome(int fd, int waitMs, OutputCapture capture, byte[] buffer)
    {
        var pfd = new HealthNative.PollFd { Fd = fd, Events = HealthNative.POLLIN };
        int ready = HealthNative.poll(&pfd, 1, waitMs);
        if (ready <= 0)
        {
            // Nothing within the wait, or EINTR: look again on the next turn.
            return PipeState.Idle;
        }

        fixed (byte* b = buffer)
        {
            nint n = HealthNative.read(fd, b, (nuint)buffer.Length);
            if (n > 0)
            {
                capture.Append(buffer.AsSpan(0, (int)n));
                return PipeState.Data;
            }

            return n < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR ? PipeState.Idle : PipeState.Closed;
        }
    }

    /// <summary>Whether the child has exited, without reaping it (WNOWAIT).</summary>
    private static unsafe bool HasExited(int pid)
    {
        byte* info = stackalloc byte[HealthNative.SigInfoSize];
        new Span<byte>(info, HealthNative.SigInfoSize).Clear();
        if (HealthNative.waitid(HealthNative.P_PID, (uint)pid, info, HealthNative.WEXITED | HealthNative.WNOHANG | HealthNative.WNOWAIT) != 0)
        {
            // ECHILD: somebody else reaped it; it is gone either way.
            return Marshal.GetLastPInvokeError() != Errno.EINTR;
        }

        // With WNOHANG, si_pid stays 0 while the child runs (waitid(2)).
        return *(int*)(info + HealthNative.SigInfoPidOffset) != 0;
    }

    private static void KillGroup(int pgid)
    {
        // ESRCH: the group is already empty.
        HealthNative.kill(-pgid, HealthNative.SIGKILL);
    }

    /// <summary>
    /// Reaps the child and collects the rest of its output: what is in the pipe when it ends,
    /// not what a process that escaped the group (setsid) may write later. Null when the
    /// status was lost or the child could not be reaped within the grace time.
    /// </summary>
    private static int? Reap(int pid, int readFd, OutputCapture capture, byte[] buffer, ref bool pipeOpen)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        int? status = null;
        while (System.Diagnostics.Stopwatch.GetElapsedTime(start) < ReapGrace)
        {
            if (status is null)
            {
                int reaped = HealthNative.waitpid(pid, out int s, HealthNative.WNOHANG);
                if (reaped == pid)
                {
                    status = s;
                }
                else if (reaped < 0 && Marshal.GetLastPInvokeError() != Errno.EINTR)
                {
                    // ECHILD: reaped elsewhere; the status is lost.
                    return null;
                }
            }

            PipeState pipe = pipeOpen ? ReadSome(readFd, ExitPollMs, capture, buffer) : PipeState.Closed;
            pipeOpen = pipe != PipeState.Closed;
            if (status is not null && pipe != PipeState.Data)
            {
                return status;
            }

            if (!pipeOpen)
            {
                Thread.Sleep(ExitPollMs);
            }
        }

        return status;
    }

    private static void Check(int error, string call, string path)
    {
        if (error != 0)
        {
            throw new SystemError(call, path, error);
        }
    }

    private static nint Utf8(string value, List<nint> allocated)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Contains((byte)0))
        {
            throw new ArgumentException($"argument contains a NUL byte: {value}");
        }

        nint p = Marshal.AllocHGlobal(bytes.Length + 1);
        Marshal.Copy(bytes, 0, p, bytes.Length);
        Marshal.WriteByte(p, bytes.Length, 0);
        allocated.Add(p);
        return p;
    }
}
