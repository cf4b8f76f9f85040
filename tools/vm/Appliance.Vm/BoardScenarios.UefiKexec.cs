using System.Globalization;
using System.Text.RegularExpressions;

namespace Appliance.Vm;

/// <summary>
/// Issue 15's "Must show" scenarios that need Secure Boot's lockdown or the ESP: the kexec
/// rescue with kexec_file_load verifying Debian's signed kernel, the refusal of an unsigned one,
/// and a power cut while the validator commits to a grubenv on the FAT ESP.
/// </summary>
public static partial class BoardScenarios
{
    public const string UefiKexecUnsigned = "uefi-kexec-unsigned";
    public const string UefiEspPowerCutInCommit = "uefi-esp-power-cut-in-commit";

    /// <summary>
    /// The ESP variant's cut, after the 50-app check's line: with <see cref="CommitCutDelay"/>
    /// (150 ms) and 90 ms the FAT grubenv was already committed, with 40 ms not yet (two runs
    /// each, 2026-12-06), and 60 ms once landed inside the commit's write. That write used to
    /// be a rename-based replace, and a cut inside it left the FAT damaged (a cluster allocated
    /// for the temporary file, the rename not done; issue 15). On FAT a change to one sector of
    /// the block is now written in place (Appliance.Core.Storage.SectorRewrite), which never
    /// writes the allocation table, so the cut may land anywhere: 60 ms aims at the write.
    /// </summary>
    public static readonly TimeSpan EspCommitCutDelay = TimeSpan.FromMilliseconds(60);

    /// <summary>
    /// Issue 6's kexec-panic-rescue on the Secure Boot board: the trial's kernel is locked down
    /// (integrity), where kexec_load is refused and kexec_file_load takes only a kernel whose
    /// signature the running kernel verifies; the validator arms Debian's signed kernel with it,
    /// the trial panics, the rescue kernel rolls back.
    /// </summary>
    public static async Task<ScenarioResult> KexecPanicRescueUnderLockdownAsync(QemuBoard board, Action<string> say)
    {
        RequireUefi(board);
        var rescue = await KexecPanicRescueAsync(board, say).ConfigureAwait(false);
        var efi = board.Lines().Where(l => l.Text.Contains(Markers.Efi, StringComparison.Ordinal) && l.Boot == 1).Select(l => l.Text).ToArray();
        var run = new Run(KexecPanicRescue, board, say);
        run.Expect(efi.Length >= 1, "no EFI marker from the trial's boot");
        var trialLockdown = SelectedLockdown(efi[0]);
        run.Expect(EfiWord(efi[0], "secureboot") == "1" && trialLockdown is "integrity" or "confidentiality",
            $"the trial kernel that armed kexec should run with Secure Boot on and locked down: {efi[0]}");
        // The crash kernel is the same signed kernel; kexec_file_load hands it the firmware's
        // Secure Boot state (boot_params.secure_boot, arch/x86/kernel/kexec-bzimage64.c), so it locks down too.
        var rescueLockdown = efi.Length >= 2 ? SelectedLockdown(efi[1]) : string.Empty;
        run.Say($"boot 1: trial kernel locked down [{trialLockdown}], armed with kexec_file_load; rescue kernel lockdown [{rescueLockdown}]");
        foreach (var (key, value) in rescue.Observed)
        {
            run.Observed[key] = value;
        }

        run.Observed["lockdown"] = trialLockdown;
        run.Observed["rescue_lockdown"] = rescueLockdown;
        return run.Finish();
    }

    /// <summary>
    /// Issue 15: under lockdown a kernel the running kernel cannot verify is refused by
    /// kexec_file_load (EPERM, kernel/kexec_file.c kimage_validate_signature); `appliance kexec arm`
    /// must say so and exit 78 (EX_CONFIG), and nothing may be loaded. The kernel is the disk's own
    /// with its Authenticode signature taken off, at the path the trial-missing entry names.
    /// </summary>
    public static async Task<ScenarioResult> KexecUnsignedRefusedAsync(QemuBoard board, Action<string> say)
    {
        RequireUefi(board);
        const string entry = "trial-missing";
        const string kernel = "/boot/vmlinuz-missing";
        var run = new Run(UefiKexecUnsigned, board, say);
        var removed = PutUnsignedKernel(board, kernel);
        run.Say($"host: {kernel} = /boot/vmlinuz without its {removed}-byte Authenticode signature; the kexec-arm boot arms '{entry}'");
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["next_entry"] = "kexec-arm", ["vm_cmdline"] = "appliance.kexecentry=" + entry });
        board.Start();
        await WaitBootAsync(board, "kexec-arm").ConfigureAwait(false);
        var efi = await board.WaitForAsync(Markers.Efi).ConfigureAwait(false);
        var before = await board.WaitForAsync(Markers.KexecReserved).ConfigureAwait(false);
        var arm = await board.WaitForAsync(Markers.KexecArmRc).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        var armRc = Markers.ValueAfter(arm, Markers.KexecArmRc);
        var loaded = Markers.ValueAfter(arm, "crash_loaded=");
        var said = board.Lines().Where(l => l.Boot == arm.Boot && l.Elapsed > before.Elapsed && l.Elapsed < arm.Elapsed && l.Text.StartsWith("appliance: ", StringComparison.Ordinal))
            .Select(l => l.Text).ToArray();
        var refusal = said.FirstOrDefault(l => l.Contains("signature", StringComparison.Ordinal));
        run.Expect(SelectedLockdown(efi.Text) is "integrity" or "confidentiality", $"the kernel should be locked down: {efi.Text}");
        run.Expect(Markers.ValueAfter(before, Markers.KexecReserved) != "0", $"kexec-arm should have a crash reservation: {before.Text}");
        run.Expect(armRc == "78", $"`appliance kexec arm {entry}` with an unsigned kernel under lockdown should exit 78 (EX_CONFIG): {arm.Text} ({string.Join(" | ", said)})");
        run.Expect(refusal is not null && refusal.Contains(kernel, StringComparison.Ordinal),
            $"the refusal should name the kernel and its signature: {string.Join(" | ", said)}");
        run.Expect(loaded == "0", $"nothing may be loaded after the refusal: {arm.Text}");
        run.Say($"boot {arm.Boot}: arm exited {armRc}, kexec_crash_loaded={loaded}: \"{refusal}\"");
        run.Observed["arm_rc"] = armRc;
        run.Observed["crash_loaded_after_arm"] = loaded;
        run.Observed["message"] = refusal!;
        return run.Finish();
    }

    /// <summary>
    /// Issue 15: issue 4's power-cut-in-commit with grubenv on the FAT ESP (Fedora's layout, see
    /// <see cref="EspGrubEnvSurvivesCommitAsync"/>): QEMU is killed while the trial's validator
    /// writes the commit through /boot/grub/grubenv's link into the ESP. Afterwards grubenv, read
    /// from the ESP with mtools, parses the same with `appliance env list` and `grub-editenv list`
    /// and holds either the trial with its try spent or the commit, and the machine ends committed.
    /// FAT has no journal, so GRUB reads what the guest's last completed write left: the ext4
    /// "committed in the journal only" outcome cannot happen here.
    /// </summary>
    public static async Task<ScenarioResult> EspPowerCutInCommitAsync(QemuBoard board, Action<string> say)
    {
        var esp = board.Profile.Esp ?? throw board.Fail($"board {board.Profile.Name} has no EFI system partition");
        MoveGrubFilesToEsp(board, esp);
        say($"host: grub.cfg and grubenv moved to the ESP's {EspBoardDir}; /boot/grub holds links to ../efi{EspBoardDir}");
        var staged = string.Empty;
        var cut = await PowerCutDuringValidationAsync(board, say, PowerCutInCommit, afterChecks: true, EspCommitCutDelay,
            () => staged = board.GrubEnv.EspClusters()).ConfigureAwait(false);

        var run = new Run(UefiEspPowerCutInCommit, board, say);
        // GRUB's save_env and the validator's commit both write the block in place on FAT; a
        // replace by rename would have moved it to the temporary file's cluster.
        var clusters = board.GrubEnv.EspClusters();
        run.Expect(clusters == staged, $"grubenv on the ESP should have been written in place: clusters {staged} when staged, {clusters} at the end");
        run.Say($"host: grubenv kept its cluster {clusters} through GRUB's try, the validator's commit and the cut");
        run.Expect(cut.Observed["outcome"] != "committed-in-ext4-journal-only", $"grubenv is on FAT, which has no journal: {cut.Observed["outcome"]}");
        var fsck = EspFsck(board, esp);
        // The dirty bit alone is expected: the cut left the volume mounted (fs/fat/inode.c sets
        // the bit on a read-write mount and clears it on unmount). Lost clusters, a wrong free
        // count or a damaged directory would be the rename's or the write's fault.
        var beyondDirtyBit = fsck.Problems.Where(l => !DirtyBitLines.Any(d => l.StartsWith(d, StringComparison.Ordinal))).ToArray();
        run.Expect(beyondDirtyBit.Length == 0, $"fsck.fat -n on the ESP found more than the dirty bit: {string.Join(" | ", beyondDirtyBit)}");
        run.Say($"host: after the cut and the next boot, fsck.fat -n on the ESP: {fsck.Summary}");
        foreach (var (key, value) in cut.Observed)
        {
            run.Observed[key] = value;
        }

        run.Observed["esp_fsck"] = fsck.Summary;
        run.Observed["esp_clusters"] = clusters;
        return run.Finish();
    }

    /// <summary>Puts the disk's kernel without its signature at <paramref name="path"/>; returns the bytes removed.</summary>
    private static int PutUnsignedKernel(QemuBoard board, string path)
    {
        var local = Path.Combine(Path.GetTempPath(), $"vmlinuz-unsigned-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            board.Files.DumpTo("/boot/vmlinuz", local);
            var removed = PeImage.RemoveSignature(local);
            board.Files.Put(path, local);
            return removed;
        }
        finally
        {
            File.Delete(local);
        }
    }

    /// <summary>What fsck.fat says of a volume whose only fault is the dirty bit (dosfstools 4.2, fsck/boot.c and fsck/fsck.fat.c).</summary>
    private static readonly string[] DirtyBitLines =
    [
        "fsck.fat ", "Dirty bit is set.", "Automatically removing dirty bit.", "Leaving filesystem unchanged.",
    ];

    /// <summary>fsck.fat -n of the ESP, copied out of the stopped board's disk: its summary line and every other line it printed.</summary>
    private static (string Summary, string[] Problems) EspFsck(QemuBoard board, EspPartition esp)
    {
        var image = Path.Combine(Path.GetTempPath(), $"esp-{Environment.ProcessId}-{Guid.NewGuid():N}.img");
        try
        {
            using (var disk = new FileStream(board.DiskPath, FileMode.Open, FileAccess.Read))
            using (var copy = new FileStream(image, FileMode.CreateNew, FileAccess.Write))
            {
                var length = board.Profile.PartitionOffset - esp.Offset;
                var buffer = new byte[1 << 20];
                disk.Seek(esp.Offset, SeekOrigin.Begin);
                for (long done = 0; done < length;)
                {
                    var n = disk.Read(buffer, 0, (int)Math.Min(buffer.Length, length - done));
                    if (n == 0)
                    {
                        break;
                    }

                    copy.Write(buffer, 0, n);
                    done += n;
                }
            }

            var r = ToolRunner.Run("fsck.fat", "-n", image);
            var lines = (r.StdOut + "\n" + r.StdErr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var summary = lines.FirstOrDefault(l => l.StartsWith(image, StringComparison.Ordinal)) ?? string.Empty;
            var problems = lines.Where(l => !l.StartsWith(image, StringComparison.Ordinal)).ToArray();
            if (summary.Length == 0)
            {
                throw board.Fail($"fsck.fat -n printed no summary (exit {r.ExitCode}): {r.StdOut} {r.StdErr}");
            }

            var text = string.Create(CultureInfo.InvariantCulture, $"exit {r.ExitCode}: {string.Join(" ", problems)} {summary[image.Length..].TrimStart(':', ' ')}");
            return (text, problems);
        }
        finally
        {
            File.Delete(image);
        }
    }

    private static void RequireUefi(QemuBoard board)
    {
        if (board.Profile.Uefi is null)
        {
            throw board.Fail($"board {board.Profile.Name} does not boot through UEFI");
        }
    }

    private static string SelectedLockdown(string efiMarker) =>
        Regex.Match(EfiWord(efiMarker, "lockdown"), @"\[(\w+)\]") is { Success: true } m ? m.Groups[1].Value : string.Empty;

    private static string EfiWord(string efiMarker, string name) =>
        Regex.Match(efiMarker, $@"\b{name}=(\S+)") is { Success: true } m ? m.Groups[1].Value : string.Empty;
}
