using Appliance.Core.Grubenv;
using Appliance.Core.Kexec;
using Appliance.Linux.Kexec;
using Appliance.Tests.Core.Kexec;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Kexec;

/// <summary>
/// A fake system tree for the kexec adapters: the QEMU board's GRUB menu and images, grubenv
/// with a known-good entry, the kernel's kexec files in sysfs and its firmware memory map.
/// </summary>
public sealed class KexecTree : IDisposable
{
    public const string BootId = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
    public const string RunningCommandLine = "BOOT_IMAGE=/boot/vmlinuz console=ttyS0,115200 root=/dev/vda1 crashkernel=256M appliance.entry=trial";

    public const string GrubCfg = """
        set default=good
        menuentry "Appliance known-good" --id good {
          linux16 /boot/vmlinuz console=ttyS0,115200 root=/dev/vda1 crashkernel=256M panic=1 appliance.entry=good
          initrd16 /boot/initrd.img
        }
        menuentry "Appliance trial" --id trial {
          linux16 /boot/vmlinuz console=ttyS0,115200 root=/dev/vda1 crashkernel=256M appliance.entry=trial
          initrd16 /boot/initrd.img
        }
        menuentry "Separate /boot" --id separate {
          linux /vmlinuz-6.1 root=/dev/vda2 $kernelopts
          initrd /initrd.img-6.1 /microcode.img
        }
        menuentry "Missing kernel" --id missing {
          linux /boot/vmlinuz-gone root=/dev/vda1
        }
        """;

    public TempDir Dir { get; } = new();

    public string Root => Dir.Path;

    public KexecTree(long reservedBytes = 256L << 20, string? good = "good")
    {
        Dir.Write("boot/grub/grub.cfg", GrubCfg);
        var env = GrubEnvBlock.Create();
        if (good is not null)
        {
            env.Set("appliance_good", good);
        }

        env.Set("kernelopts", "ro quiet");
        Directory.CreateDirectory(Dir.File("boot/grub"));
        File.WriteAllBytes(Dir.File("boot/grub/grubenv"), env.Bytes.ToArray());
        File.WriteAllBytes(Dir.File("boot/vmlinuz"), new byte[12 << 20]);
        File.WriteAllBytes(Dir.File("boot/initrd.img"), new byte[20 << 20]);
        Dir.Write("boot/vmlinuz-6.1", "kernel");
        Dir.Write("boot/initrd.img-6.1", "initrd");
        Dir.Write("boot/microcode.img", "ucode");
        Dir.Write("proc/cmdline", RunningCommandLine + "\n");
        Dir.Write("proc/sys/kernel/random/boot_id", BootId + "\n");
        Dir.Write("proc/meminfo", "MemTotal:         997596 kB\nMemFree:          800000 kB\n");
        Dir.Write("sys/kernel/kexec_crash_size", reservedBytes + "\n");
        Dir.Write("sys/kernel/kexec_crash_loaded", "0\n");
        Dir.Write("sys/kernel/kexec_loaded", "0\n");
        int n = 0;
        foreach (var range in MemoryMapTests.QemuPc)
        {
            Dir.Write($"sys/firmware/memmap/{n}/start", $"0x{range.Start:x}\n");
            Dir.Write($"sys/firmware/memmap/{n}/end", $"0x{range.End:x}\n");
            Dir.Write($"sys/firmware/memmap/{n}/type", range.Type + "\n");
            n++;
        }
    }

    public string Read(string relative) => File.ReadAllText(Dir.File(relative));

    public void Dispose() => Dir.Dispose();
}

/// <summary>Stands in for the kernel: records each call and flips the sysfs flags the way kexec_file_load does.</summary>
public sealed class FakeKexecLoader(KexecTree tree) : IKexecLoader
{
    public List<string> Calls { get; } = [];

    public KexecException? Failure { get; set; }

    public bool LeaveCrashFlagAlone { get; set; }

    public (string Kernel, IReadOnlyList<string> Initrds, string CommandLine)? Loaded { get; private set; }

    public void LoadCrash(string kernel, IReadOnlyList<string> initrds, string commandLine)
    {
        Calls.Add("load-crash");
        ThrowIfFailing();
        RefuseWhatTheRealLoaderRefuses(kernel, initrds, commandLine);
        Loaded = (kernel, initrds, commandLine);
        if (!LeaveCrashFlagAlone)
        {
            tree.Dir.Write("sys/kernel/kexec_crash_loaded", "1\n");
        }
    }

    public void LoadSoft(string kernel, IReadOnlyList<string> initrds, string commandLine)
    {
        Calls.Add("load-soft");
        ThrowIfFailing();
        RefuseWhatTheRealLoaderRefuses(kernel, initrds, commandLine);
        Loaded = (kernel, initrds, commandLine);
        tree.Dir.Write("sys/kernel/kexec_loaded", "1\n");
    }

    public void UnloadCrash()
    {
        Calls.Add("unload-crash");
        ThrowIfFailing();
        if (!LeaveCrashFlagAlone)
        {
            tree.Dir.Write("sys/kernel/kexec_crash_loaded", "0\n");
        }
    }

    public void Execute(string reason)
    {
        Calls.Add("execute");
        ThrowIfFailing();
    }

    /// <summary>The checks <see cref="LinuxKexecLoader"/> makes before the system call (<see cref="KexecLoaderContract"/>).</summary>
    private static void RefuseWhatTheRealLoaderRefuses(string kernel, IReadOnlyList<string> initrds, string commandLine)
    {
        if (KernelCommandLine.Problem(commandLine) is { } problem)
        {
            throw new KexecPlanException($"refusing to load {kernel}: the command line is unusable: {problem}");
        }

        foreach (string image in initrds.Prepend(kernel))
        {
            if (!File.Exists(image))
            {
                throw new KexecPlanException($"{image}: no such file", KexecPlanError.Missing);
            }
        }
    }

    private void ThrowIfFailing()
    {
        if (Failure is { } failure)
        {
            throw failure;
        }
    }

    public static KexecException Refused(int errno) =>
        new(KexecErrors.Explain(errno, KexecOperation.LoadCrash, "/boot/vmlinuz", new KexecPolicy("none", false, true), e => $"errno {e}"), errno);
}
