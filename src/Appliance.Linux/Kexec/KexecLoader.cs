using System.Runtime.InteropServices;
using System.Text;
using Appliance.Core.Kexec;
using Appliance.Linux.Kernel;
using Appliance.Linux.Native;
using Microsoft.Win32.SafeHandles;

namespace Appliance.Linux.Kexec;

/// <summary>A kexec call the kernel refused, explained (<see cref="KexecErrors.Explain"/>).</summary>
public sealed class KexecException(KexecProblem problem, int errno) : Exception(problem.Message)
{
    public KexecProblem Problem { get; } = problem;

    public int Errno { get; } = errno;
}

/// <summary>The kernel's kexec interface, behind an interface so that the planning around it runs on fake trees.</summary>
public interface IKexecLoader
{
    /// <summary>kexec_file_load(KEXEC_FILE_ON_CRASH): the kernel a panic jumps to.</summary>
    void LoadCrash(string kernel, IReadOnlyList<string> initrds, string commandLine);

    /// <summary>kexec_file_load(0): the kernel reboot(LINUX_REBOOT_CMD_KEXEC) jumps to.</summary>
    void LoadSoft(string kernel, IReadOnlyList<string> initrds, string commandLine);

    /// <summary>kexec_file_load(KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH).</summary>
    void UnloadCrash();

    /// <summary>Starts the jump into the loaded kernel; returns only once the init system has taken over the shutdown, and throws when it cannot be started.</summary>
    void Execute(string reason);
}

/// <summary>
/// kexec_file_load(2) and reboot(LINUX_REBOOT_CMD_KEXEC). The kernel reads the images itself
/// from the descriptors, so the load works whatever the signature policy asks of it (kexec_load
/// with user-built segments is refused under lockdown).
/// </summary>
public sealed class LinuxKexecLoader : IKexecLoader
{
    private readonly string _root;
    private readonly KexecSysfs _sysfs;
    private readonly TextWriter _log;

    /// <param name="root">Must be the running system's root: the files loaded and the sysfs values checked are read under it, and the kernel being changed is this machine's.</param>
    public LinuxKexecLoader(string root, TextWriter log)
    {
        _root = root;
        _sysfs = new KexecSysfs(root);
        _log = log;
    }

    public void LoadCrash(string kernel, IReadOnlyList<string> initrds, string commandLine) =>
        Load(kernel, initrds, commandLine, Libc.KEXEC_FILE_ON_CRASH, KexecOperation.LoadCrash);

    public void LoadSoft(string kernel, IReadOnlyList<string> initrds, string commandLine) =>
        Load(kernel, initrds, commandLine, 0, KexecOperation.LoadSoft);

    public unsafe void UnloadCrash()
    {
        RequireRunningSystem();
        long result = Libc.syscall_kexec_file_load(SyscallNumber(), -1, -1, 0, null, (nuint)(Libc.KEXEC_FILE_UNLOAD | Libc.KEXEC_FILE_ON_CRASH));
        if (result != 0)
        {
            Fail(Marshal.GetLastPInvokeError(), KexecOperation.UnloadCrash, "");
        }
    }

    /// <summary>
    /// Under systemd, asks it (<c>systemctl kexec</c>, run directly) so services stop and
    /// journald flushes before the jump to the loaded kernel; elsewhere (an initramfs, a rescue
    /// kernel) syncs and calls reboot(LINUX_REBOOT_CMD_KEXEC), for which glibc adds the magic.
    /// </summary>
    public void Execute(string reason)
    {
        RequireRunningSystem();
        _log.WriteLine($"appliance: kexec reboot: {reason}");
        _log.Flush();
        Libc.sync();
        if (Appliance.Linux.Kernel.Systemd.IsPid1(_root) && Appliance.Linux.Kernel.Systemd.Request(_root, "kexec"))
        {
            return;
        }

        if (Libc.reboot(Libc.RB_KEXEC) != 0)
        {
            Fail(Marshal.GetLastPInvokeError(), KexecOperation.Execute, "");
        }
    }

    private unsafe void Load(string kernel, IReadOnlyList<string> initrds, string commandLine, ulong flags, KexecOperation operation)
    {
        RequireRunningSystem();
        if (KernelCommandLine.Problem(commandLine) is { } problem)
        {
            throw new KexecPlanException($"refusing to load {kernel}: the command line is unusable: {problem}");
        }

        using SafeFileHandle kernelFile = OpenImage(kernel);
        using SafeFileHandle? initrdFile = initrds.Count switch
        {
            0 => null,
            1 => OpenImage(initrds[0]),
            _ => ConcatenateInitrds(initrds),
        };
        if (initrdFile is null)
        {
            flags |= Libc.KEXEC_FILE_NO_INITRAMFS;
        }

        // kexec_file.c kimage_file_prepare_segments: cmdline_len counts the NUL, and the last byte must be it.
        byte[] line = [.. Encoding.UTF8.GetBytes(commandLine), 0];
        long result;
        fixed (byte* text = line)
        {
            result = Libc.syscall_kexec_file_load(
                SyscallNumber(),
                kernelFile.DangerousGetHandle(),
                initrdFile?.DangerousGetHandle() ?? -1,
                (nuint)line.Length,
                text,
                (nuint)flags);
        }

        if (result != 0)
        {
            Fail(Marshal.GetLastPInvokeError(), operation, kernel);
        }
    }

    /// <summary>
    /// kexec_file_load takes one initramfs; GRUB loads several (microcode first) back to back,
    /// each padded to 4 bytes (grub-core/loader/linux.c grub_initrd_load), and the kernel
    /// unpacks the concatenated cpio archives in turn. Same here, in a memfd.
    /// </summary>
    private static SafeFileHandle ConcatenateInitrds(IReadOnlyList<string> initrds)
    {
        int fd = Libc.memfd_create("appliance-initrd", Libc.MFD_CLOEXEC);
        if (fd < 0)
        {
            throw new SystemError("memfd_create", initrds[0], Marshal.GetLastPInvokeError());
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            using var output = new FileStream(new SafeFileHandle(fd, ownsHandle: false), FileAccess.Write);
            foreach (string initrd in initrds)
            {
                using (var input = File.OpenRead(initrd))
                {
                    input.CopyTo(output);
                }

                long padding = (4 - (output.Position % 4)) % 4;
                output.Write(new byte[padding]);
            }

            output.Flush();
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static SafeFileHandle OpenImage(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new KexecPlanException($"{path}: no such file; the menu entry names a kernel or initramfs that is not there", KexecPlanError.Missing);
        }
    }

    private void Fail(int errno, KexecOperation operation, string kernel)
    {
        var policy = new KexecPolicy(_sysfs.Lockdown(), _sysfs.LoadDisabled(), Libc.geteuid() == 0);
        throw new KexecException(KexecErrors.Explain(errno, operation, kernel, policy, Libc.StrError), errno);
    }

    private void RequireRunningSystem() => RunningSystem.Require(_root, "kexec loads into the running kernel");

    // System calls are numbered per architecture; these are the two Appliance ships for.
    private static long SyscallNumber() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => Libc.SYS_kexec_file_load_x86_64,
        Architecture.Arm64 => Libc.SYS_kexec_file_load_arm64,
        var other => throw new KexecException(new KexecProblem(KexecProblemKind.Unsupported, $"kexec_file_load is not wired up for {other}; the kexec path is for x86_64 and arm64"), Errno.ENOSYS),
    };
}
