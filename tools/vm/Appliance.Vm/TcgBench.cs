using System.Buffers.Binary;
using System.Globalization;

using static Appliance.Vm.BenchMath;

namespace Appliance.Vm;

/// <summary>
/// `bench-tcg` (issue 16): where the reject-by-kexec figure of `bench-failover` goes under TCG,
/// from serial-line times, and what an uncompressed kernel would change.
///
/// Guest: trial-sick-kexec on the busybox board with <c>earlyprintk=serial</c> (so the new
/// kernel's first printk, "Linux version", reaches the serial line as the kernel starts, not
/// when ttyS0 registers) and <c>loglevel=7</c> (kexec_core's "Starting new kernel" is
/// pr_notice, which the board's <c>quiet</c> hides). The console's extra lines make this run's
/// total longer than `bench-failover`'s; the phases are what matters here. Debian's
/// kernel has no CONFIG_X86_VERBOSE_BOOTUP, so the decompressor itself prints nothing
/// (arch/x86/boot/compressed/misc.h: debug_putstr is empty then): the jump from "Starting new
/// kernel" to "Linux version" is purgatory, the trampoline and the decompressor together.
///
/// Host: the same kernel booted by QEMU with -kernel twice, as the bzImage and as the ELF
/// vmlinux inside it (tools/vm/extract-vmlinux.sh; QEMU enters it through its PVH note, no
/// decompressor): SeaBIOS's banner to "Linux version" of each, whose difference is the
/// decompressor's time under TCG. The jump less that is purgatory and the trampoline, which
/// gives purgatory's SHA-256 rate over the bytes it hashes: every segment but purgatory, each
/// to its memsz (kernel/kexec_file.c kexec_calculate_store_digests), and the bzImage's kernel
/// segment is PAGE_ALIGN(init_size) (arch/x86/kernel/kexec-bzimage64.c), the size of the
/// decompressed kernel, not of the file.
/// </summary>
public static class TcgBench
{
    private const string CommandLine = "loglevel=7 earlyprintk=serial,ttyS0,115200";

    /// <summary>
    /// Zeros appended to the initrd for a second run: purgatory hashes them too, nothing else in
    /// the jump changes, so the jump's growth over them is purgatory's rate, measured in the guest.
    /// The kernel skips zeros between initramfs archives (init/initramfs.c unpack_to_rootfs);
    /// 56 MiB fit the boot partition's free space (65 MB) beside the board's files.
    /// </summary>
    private const int PadMiB = 56;

    private const string KernelStart = "] Linux version ";

    private const string StartingNewKernel = "kexec_core: Starting new kernel";

    private const string KexecReboot = "appliance: kexec reboot:";

    /// <summary>Phases of one reject by kexec, in seconds, from serial-line times.</summary>
    /// <param name="Reject">The check's "failed" line to the validator's "kexec reboot" line: the rejection written, kexec_file_load of known-good.</param>
    /// <param name="Shutdown">"kexec reboot" to kexec_core's "Starting new kernel".</param>
    /// <param name="Jump">"Starting new kernel" to the new kernel's "Linux version": purgatory, trampoline, decompressor.</param>
    /// <param name="Boot">"Linux version" to known-good's userspace marker.</param>
    /// <param name="GrubToKernel">The same board's first boot: GRUB's "booting" line to "Linux version" (GRUB reads the files, then the same decompressor).</param>
    public sealed record Phases(double Reject, double Shutdown, double Jump, double Boot, double GrubToKernel)
    {
        public double Total => Reject + Shutdown + Jump + Boot;
    }

    /// <summary>One run: the reject by kexec plain and with the padded initrd, and the host boots of the bzImage and of its ELF vmlinux.</summary>
    /// <param name="Arm">`appliance kexec arm good` in the guest: the agent's start, its plan and kexec_file_load of known-good (into the crash reservation).</param>
    /// <param name="Disarm">`appliance kexec disarm`: the agent's start and an unload, so Arm - Disarm is about kexec_file_load alone.</param>
    private sealed record Run(Phases Plain, Phases Padded, double BzImageStart, double ElfStart, double Arm, double Disarm);

    public static async Task<int> RunAsync(int runs, Action<string> say)
    {
        var work = Directory.CreateTempSubdirectory("appliance-bench-tcg-");
        try
        {
            string bzImage = Path.Combine(work.FullName, "vmlinuz");
            string initrd = Path.Combine(work.FullName, "initrd.img");
            string vmlinux = Path.Combine(work.FullName, "vmlinux");
            var all = new List<Run>();
            for (var i = 1; i <= runs; i++)
            {
                var plain = await GuestAsync(work.FullName, 0).ConfigureAwait(false);
                var padded = await GuestAsync(work.FullName, PadMiB).ConfigureAwait(false);
                if (i == 1)
                {
                    ToolRunner.RunChecked(Path.Combine(RepoLayout.Discover().Root, "tools/vm/extract-vmlinux.sh"), bzImage, vmlinux);
                }

                var (arm, disarm) = await LoadAsync().ConfigureAwait(false);
                var run = new Run(plain, padded, await HostKernelStartAsync(bzImage).ConfigureAwait(false), await HostKernelStartAsync(vmlinux).ConfigureAwait(false), arm, disarm);
                all.Add(run);
                say(Invariant($"run {i}/{runs}: jump {plain.Jump:F2} s, padded {padded.Jump:F2} s; kexec arm {arm:F2} s, disarm {disarm:F2} s; host 'Linux version' bzImage {run.BzImageStart:F2} s, ELF {run.ElfStart:F2} s"));
            }

            double M(Func<Run, double> f) => Median(all.ConvertAll(r => f(r)));
            var p = new Phases(M(r => r.Plain.Reject), M(r => r.Plain.Shutdown), M(r => r.Plain.Jump), M(r => r.Plain.Boot), M(r => r.Plain.GrubToKernel));
            long initSize = PageAlign(BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(bzImage).AsSpan(0x260, 4)));
            long initrdSize = PageAlign(new FileInfo(initrd).Length);
            double hashedMb = (initSize + initrdSize) / 1e6;
            double elfHashedMb = (ElfLoadBytes(vmlinux) + initrdSize) / 1e6;
            double padMb = PadMiB * 1048576 / 1e6;
            double decompressor = M(r => r.BzImageStart - r.ElfStart);
            double padRate = padMb / M(r => r.Padded.Jump - r.Plain.Jump);
            double loadRate = padMb / M(r => r.Padded.Reject - r.Plain.Reject);
            double rest = p.Jump - decompressor;

            say(string.Empty);
            say(Invariant($"reject by kexec under TCG, medians of {runs} runs (earlyprintk and loglevel=7 on the console, so slower than bench-failover's figure):"));
            say(Invariant($"  (a)   check failed -> 'kexec reboot' (rejection, kexec_file_load)   {p.Reject,5:F2} s"));
            say(Invariant($"  (-)   'kexec reboot' -> '{StartingNewKernel}'              {p.Shutdown,5:F2} s"));
            say(Invariant($"  (b+c) 'Starting new kernel' -> new 'Linux version'                  {p.Jump,5:F2} s  purgatory + trampoline + setup + decompressor"));
            say(Invariant($"  (c)   of which decompressor and setup (host: bzImage - ELF)           {decompressor,5:F2} s  xz, {new FileInfo(bzImage).Length / 1e6:F1} MB bzImage -> {new FileInfo(vmlinux).Length / 1e6:F1} MB vmlinux"));
            say(Invariant($"  (b)   the rest: purgatory + trampoline                               {rest,5:F2} s  over {hashedMb:F1} MB hashed: {hashedMb / rest:F1} MB/s"));
            say(Invariant($"  (d)   new 'Linux version' -> known-good's userspace                 {p.Boot,5:F2} s"));
            say(Invariant($"  total                                                               {p.Total,5:F2} s"));
            say(Invariant($"  firmware path's boot, same runs: GRUB 'booting' -> 'Linux version' {p.GrubToKernel:F2} s (GRUB reads the files, then the same setup and decompressor)"));
            say(Invariant($"hashed by purgatory: kernel segment memsz = init_size {initSize / 1e6:F1} MB (not the {new FileInfo(bzImage).Length / 1e6:F1} MB file) + initrd {initrdSize / 1e6:F1} MB"));
            say(Invariant($"initrd + {padMb:F1} MB of zeros: the jump grows at {padRate:F1} MB/s (purgatory's SHA-256, measured in the guest: {hashedMb / padRate:F2} s of the jump), kexec_file_load at {loadRate:F1} MB/s (read + SHA-256 in the old kernel)"));
            say(Invariant($"kexec_file_load timed in the guest as a crash load of the same kernel and initrd (kexec-arm boot): `appliance kexec arm` {M(r => r.Arm):F2} s - `kexec disarm` {M(r => r.Disarm):F2} s (the agent's start) = {M(r => r.Arm - r.Disarm):F2} s; it has the crash load's own work too (elfcorehdr, the reservation), the soft load is inside (a)"));
            double elfJump = rest + ((elfHashedMb - hashedMb) / padRate);
            say(Invariant($"uncompressed kernel (ELF, PT_LOAD memsz {(elfHashedMb * 1e6 - initrdSize) / 1e6:F1} MB): no decompressor (-{decompressor:F2} s), purgatory hashes {elfHashedMb:F1} MB instead of {hashedMb:F1} MB ({(elfHashedMb - hashedMb) / padRate:+0.00;-0.00} s): jump {elfJump:F2} s instead of {p.Jump:F2} s"));
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Runs the reject by kexec once, with <paramref name="padMiB"/> MiB of zeros after the initrd; copies the board's bzImage and initrd to <paramref name="work"/>.</summary>
    private static async Task<Phases> GuestAsync(string work, int padMiB)
    {
        await using var board = QemuBoard.Create($"bench-tcg-pad{padMiB}");
        string initrd = Path.Combine(work, "initrd.img");
        board.Files.DumpTo("/boot/vmlinuz", Path.Combine(work, "vmlinuz"));
        board.Files.DumpTo("/boot/initrd.img", initrd);
        if (padMiB > 0)
        {
            string padded = Path.Combine(work, "initrd-padded.img");
            File.Copy(initrd, padded, overwrite: true);
            using (var stream = new FileStream(padded, FileMode.Append))
            {
                stream.Write(new byte[padMiB * 1048576]);
            }

            board.Files.Put("/boot/initrd.img", padded);
        }

        board.GrubEnv.StageTrial("trial-sick-kexec", 3);
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["vm_cmdline"] = CommandLine });
        board.Start();
        await board.WaitForAsync(Markers.CheckFailed("50-app")).ConfigureAwait(false);
        await board.WaitForAsync(Markers.Userspace(BoardScenarios.Good), TimeSpan.FromMinutes(3)).ConfigureAwait(false);
        await BoardScenarios.PowerOffAsync(board).ConfigureAwait(false);
        return Measure(board.Lines());
    }

    /// <summary>Boots kexec-arm (crashkernel=256M), whose init runs `appliance kexec arm good` then `kexec disarm`, each between two markers; their seconds.</summary>
    private static async Task<(double Arm, double Disarm)> LoadAsync()
    {
        await using var board = QemuBoard.Create("bench-tcg-load");
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["next_entry"] = "kexec-arm" });
        board.Start();
        var before = await board.WaitForAsync(Markers.KexecReserved).ConfigureAwait(false);
        var arm = await board.WaitForAsync(Markers.KexecArmRc).ConfigureAwait(false);
        var disarm = await board.WaitForAsync(Markers.KexecDisarmRc).ConfigureAwait(false);
        await BoardScenarios.PowerOffAsync(board).ConfigureAwait(false);
        if (Markers.ValueAfter(arm, Markers.KexecArmRc) != "0")
        {
            throw new BoardException($"bench-tcg: `appliance kexec arm` failed: {arm.Text}");
        }

        return (Seconds(arm, before), Seconds(disarm, arm));
    }

    /// <summary>The phases from one run's serial lines: pure, so the parsing is tested without a VM.</summary>
    public static Phases Measure(IReadOnlyList<SerialLine> lines)
    {
        // Each marker is searched after the previous one's line (by position: earlyprintk lines
        // of one read can share a time stamp).
        var at = 0;
        SerialLine Next(string text)
        {
            for (; at < lines.Count; at++)
            {
                if (lines[at].Text.Contains(text, StringComparison.Ordinal))
                {
                    return lines[at++];
                }
            }

            throw new BoardException($"bench-tcg: no serial line '{text}'");
        }

        var grub = Next("GRUB: booting ");
        var firstKernel = Next(KernelStart);
        var failed = Next(Markers.CheckFailed("50-app"));
        var reboot = Next(KexecReboot);
        var starting = Next(StartingNewKernel);
        var kernel = Next(KernelStart);
        var good = Next(Markers.Userspace(BoardScenarios.Good));
        return new Phases(
            Seconds(reboot, failed),
            Seconds(starting, reboot),
            Seconds(kernel, starting),
            Seconds(good, kernel),
            Seconds(firstKernel, grub));
    }

    /// <summary>QEMU -kernel on the host, no disk: seconds from SeaBIOS's banner to the kernel's "Linux version" (earlyprintk).</summary>
    private static async Task<double> HostKernelStartAsync(string kernel)
    {
        var profile = BoardProfile.Load(RepoLayout.Discover().BoardJson);
        await using var console = new SerialConsole(message => new BoardException($"bench-tcg, {Path.GetFileName(kernel)}: {message}"));
        console.Attach(ToolRunner.StartPiped(profile.QemuBinary,
        [
            "-accel", profile.Accel, "-machine", profile.Machine, "-m", profile.Memory,
            "-nographic", "-nic", "none", "-no-reboot", "-serial", "stdio", "-monitor", "none",
            "-kernel", kernel, "-append", "console=ttyS0,115200 earlyprintk=serial,ttyS0,115200 panic=-1",
        ]));
        var banner = await console.WaitForAsync(SerialConsole.FirmwareBanner, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        var start = await console.WaitForAsync(KernelStart, TimeSpan.FromSeconds(90)).ConfigureAwait(false);
        await console.StopAsync().ConfigureAwait(false);
        return Seconds(start, banner);
    }

    /// <summary>What kexec would hash of an ELF kernel: the sum of its PT_LOAD segments' memsz (ELF-64 program headers).</summary>
    public static long ElfLoadBytes(string path)
    {
        var elf = File.ReadAllBytes(path);
        long phoff = BinaryPrimitives.ReadInt64LittleEndian(elf.AsSpan(0x20));
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x36));
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x38));
        long total = 0;
        for (var i = 0; i < phnum; i++)
        {
            var header = elf.AsSpan((int)phoff + (i * phentsize));
            const uint PtLoad = 1;
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) == PtLoad)
            {
                total += BinaryPrimitives.ReadInt64LittleEndian(header[0x28..]);
            }
        }

        return total;
    }

    private static long PageAlign(long bytes) => (bytes + 4095) & ~4095L;

    private static double Seconds(SerialLine to, SerialLine from) => (to.Elapsed - from.Elapsed).TotalSeconds;
}
