using System.Globalization;
using System.Text.RegularExpressions;

namespace Appliance.Vm;

/// <summary>
/// Scenarios of the UEFI + Secure Boot board (boards/qemu-x86_64-uefi, issue 15): OVMF with
/// Microsoft's keys, Debian's signed shim, signed GRUB and signed kernel. The trial scenarios
/// run unchanged on that board (<see cref="HealthyTrialCommittedAsync"/>,
/// <see cref="TrialFailingChecksRolledBackAsync"/>).
/// </summary>
public static partial class BoardScenarios
{
    public const string UefiSecureBoot = "uefi-secure-boot";
    public const string UefiEspGrubEnv = "uefi-esp-grubenv";
    public const string UefiUnsignedKernel = "uefi-unsigned-kernel";

    /// <summary>Where the ESP-grubenv scenario keeps the board's grub.cfg and grubenv on the ESP.</summary>
    public const string EspBoardDir = "/EFI/debian/board";

    /// <summary>Seconds from QEMU's start to each stage of one cold boot of the known-good entry.</summary>
    /// <param name="Firmware">The firmware's per-boot line: SeaBIOS's banner, or OVMF starting the boot loader (shim).</param>
    /// <param name="Grub">GRUB's first line from the board's grub.cfg.</param>
    /// <param name="Userspace">init.sh's userspace marker (/boot mounted), the boot's "up" point.</param>
    /// <param name="KernelUptime">The guest kernel's own uptime at that marker.</param>
    public sealed record BootTiming(double Firmware, double Grub, double Userspace, double KernelUptime)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"firmware {Firmware:F1} s, GRUB {Grub:F1} s, userspace {Userspace:F1} s (kernel uptime {KernelUptime:F2} s)");
    }

    /// <summary>
    /// Issue 15 (a): the board boots with Secure Boot on. init.sh reads the SecureBoot EFI
    /// variable (efivarfs) and /sys/kernel/security/lockdown; the scenario demands the variable
    /// be 1 and the kernel locked down (integrity or confidentiality selected), which Debian's
    /// kernel does only when the firmware says Secure Boot is on (CONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT).
    /// Known-good then validates as on the BIOS board.
    /// </summary>
    public static async Task<ScenarioResult> SecureBootProvenAsync(QemuBoard board, Action<string> say)
    {
        var run = new Run(UefiSecureBoot, board, say);
        run.Expect(board.Profile.Uefi is not null, $"board {board.Profile.Name} does not boot through UEFI");
        board.Start();
        var (timing, efiLine) = await TimeGoodBootAsync(board).ConfigureAwait(false);
        var efi = efiLine ?? throw board.Fail("no EFI marker from init.sh");
        var validated = await WaitValidatedAfterUserspaceAsync(board, Good).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);

        var secureBoot = EfiField(efi, "secureboot");
        var lockdownModes = EfiField(efi, "lockdown");
        var selected = Regex.Match(lockdownModes, @"\[(\w+)\]") is { Success: true } m ? m.Groups[1].Value : string.Empty;
        run.Expect(secureBoot == "1", $"the SecureBoot variable should be 1: {efi.Text}");
        run.Expect(selected is "integrity" or "confidentiality", $"the kernel should be locked down (integrity or confidentiality): {efi.Text}");
        run.Expect(validated.Rc == 0 && validated.Status.State == "idle", $"known-good should validate: rc={validated.Rc} {validated.Status}");
        run.Say($"boot {efi.Boot}: OVMF (Secure Boot) -> shim -> signed GRUB -> signed kernel; SecureBoot={secureBoot}, lockdown [{selected}]");
        run.Say($"boot {efi.Boot}: {timing}");
        run.Observed["secureboot"] = secureBoot;
        run.Observed["lockdown"] = selected;
        // `status --json` reads the firmware's own boot choice from efivarfs (never writes it):
        // OVMF booted the removable-media path through an option it made, so BootCurrent is set
        // and listed in BootOrder.
        var (bootCurrent, bootOrder) = FirmwareBoot(validated.Status.Json);
        run.Expect(bootCurrent.Length == 4 && bootOrder.Contains(bootCurrent, StringComparer.Ordinal),
            $"status --json should show BootCurrent among BootOrder (efivarfs): {validated.Status.Json}");
        run.Say($"boot {efi.Boot}: status --json firmware: boot_current={bootCurrent} boot_order={string.Join(',', bootOrder)}");
        run.Observed["boot_current"] = bootCurrent;
        run.Observed["boot_order"] = string.Join(',', bootOrder);
        run.Observed["lockdown_modes"] = lockdownModes;
        AddTiming(run.Observed, timing);
        return run.Finish();
    }

    /// <summary>
    /// Secure Boot enforced, not only reported: the disk's own kernel with its Authenticode
    /// signature taken off is put where the trial-missing entry looks (/boot/vmlinuz-missing) and
    /// staged as the trial. GRUB spends the try, its `linux` asks shim to verify the kernel, shim
    /// refuses it, and GRUB falls back to Appliance's known-good entry on the same firmware pass;
    /// the unsigned kernel never runs.
    /// </summary>
    public static async Task<ScenarioResult> UnsignedKernelRefusedAsync(QemuBoard board, Action<string> say)
    {
        const string trial = "trial-missing";
        const string kernel = "/boot/vmlinuz-missing";
        var run = new Run(UefiUnsignedKernel, board, say);
        run.Expect(board.Profile.Uefi is not null, $"board {board.Profile.Name} does not boot through UEFI");
        var local = Path.Combine(Path.GetTempPath(), $"vmlinuz-unsigned-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            board.Files.DumpTo("/boot/vmlinuz", local);
            var removed = PeImage.RemoveSignature(local);
            board.Files.Put(kernel, local);
            run.Say($"host: {kernel} = /boot/vmlinuz without its {removed}-byte Authenticode signature");
        }
        finally
        {
            File.Delete(local);
        }

        run.Say($"host: {board.GrubEnv.StageTrial(trial, 3)}");
        board.Start();
        var try1 = await board.WaitForAsync(Markers.GrubTrialTry).ConfigureAwait(false);
        run.Expect(try1.Text.Contains($"trial {trial}, 2 tries left", StringComparison.Ordinal), $"GRUB should spend a try on '{trial}': {try1.Text}");
        var booting = await WaitBootAsync(board, trial).ConfigureAwait(false);
        var fallingBack = await board.WaitForAsync(Markers.GrubFallingBack).ConfigureAwait(false);
        var refusal = board.Lines().Where(l => l.Elapsed >= booting.Elapsed && l.Elapsed <= fallingBack.Elapsed && l.Text.Contains("error", StringComparison.OrdinalIgnoreCase))
            .Select(l => l.Text).ToArray();
        run.Expect(refusal.Any(t => t.Contains("signature", StringComparison.OrdinalIgnoreCase)),
            $"GRUB should report the kernel's signature as bad before falling back: {string.Join(" | ", refusal)}");
        var good = await WaitValidatedAsync(board, Good).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        run.Expect(good.Boot == 1, $"GRUB should fall back within the first firmware pass, not at boot {good.Boot}");
        run.Expect(board.Count(Markers.Userspace(trial)) == 0, $"the unsigned kernel must never reach userspace");
        run.Say($"boot {good.Boot}: GRUB: \"{string.Join(" | ", refusal)}\", then \"{fallingBack.Text}\"; known-good validated (rc {good.Rc})");
        run.Observed["refusal"] = string.Join(" | ", refusal);
        run.Observed["first_boot_entry"] = Good;
        return run.Finish();
    }

    /// <summary>
    /// Issue 15 (d): Fedora's layout on the Secure Boot board. The host moves grub.cfg and grubenv
    /// onto the EFI system partition (<see cref="EspBoardDir"/>) and leaves links to them in
    /// /boot/grub on ext4, as Fedora did before 34 (/boot/grub2/grubenv -&gt; ../efi/EFI/fedora/grubenv);
    /// the ESP's EFI/debian/grub.cfg moves GRUB's prefix there, so load_env and save_env work on the
    /// FAT file. Then the healthy-trial scenario runs: the agent in the guest writes through the
    /// links (ESP mounted at /boot/efi), GRUB spends the try on the ESP, the commit lands there.
    /// </summary>
    public static async Task<ScenarioResult> EspGrubEnvSurvivesCommitAsync(QemuBoard board, Action<string> say)
    {
        var esp = board.Profile.Esp ?? throw board.Fail($"board {board.Profile.Name} has no EFI system partition");
        MoveGrubFilesToEsp(board, esp);
        say($"host: grub.cfg and grubenv moved to the ESP's {EspBoardDir}; /boot/grub holds links to ../efi{EspBoardDir}; vm_cmdline=appliance.esp={esp.GuestDevice}");

        var commit = await HealthyTrialCommittedAsync(board, say).ConfigureAwait(false);

        var run = new Run(UefiEspGrubEnv, board, say);
        var env = board.GrubEnv.Read();
        run.Expect(env.Get("saved_entry") == "trial" && env.Get("appliance_good") == "trial",
            $"the ESP's grubenv should hold the commit: {env}");
        var stat = ToolRunner.Run("debugfs", "-R", "stat /boot/grub/grubenv", board.Files.FsSpec).StdOut;
        run.Expect(stat.Contains("Type: symlink", StringComparison.Ordinal), $"/boot/grub/grubenv on ext4 should still be a link: {stat}");
        var names = ToolRunner.RunChecked("mdir", "-i", board.GrubEnv.EspImage!, "-a", "-b", "::" + EspBoardDir)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n[(n.LastIndexOf('/') + 1)..]).Order(StringComparer.Ordinal).ToArray();
        run.Expect(names.SequenceEqual(["grub.cfg", "grubenv"], StringComparer.OrdinalIgnoreCase),
            $"{EspBoardDir} should hold only grub.cfg and grubenv: {string.Join(' ', names)}");
        run.Say($"host: the ESP's grubenv (read with mtools) says saved_entry=trial appliance_good=trial; {EspBoardDir} holds {string.Join(", ", names)}; ext4's grubenv is still a link");
        foreach (var (key, value) in commit.Observed)
        {
            run.Observed[key] = value;
        }

        run.Observed["esp_files"] = string.Join(' ', names);
        run.Observed["grubenv_on_esp_saved_entry"] = env.Get("saved_entry");
        return run.Finish();
    }

    /// <summary>Board stopped: the ESP gets the board's grub.cfg and grubenv; ext4's /boot/grub links to them.</summary>
    private static void MoveGrubFilesToEsp(QemuBoard board, EspPartition esp)
    {
        var image = string.Create(CultureInfo.InvariantCulture, $"{board.DiskPath}@@{esp.Offset}");
        var work = Directory.CreateTempSubdirectory("appliance-esp-").FullName;
        try
        {
            string Local(string name) => Path.Combine(work, name);
            board.Files.DumpTo("/boot/grub/grub.cfg", Local("grub.cfg"));
            board.Files.DumpTo("/boot/grub/grubenv", Local("grubenv"));
            ToolRunner.RunChecked("mcopy", "-n", "-i", image, "::/EFI/debian/grub.cfg", Local("stub.cfg"));
            // The stub runs with $root on the ESP (Debian's early config takes it from the prefix):
            // the prefix moves to the board directory there before the search makes $root the ext4
            // /boot, whose kernels the entries name. configfile, not source: normal mode would read
            // $prefix/grub.cfg a second time (grub-core/kern/main.c runs `normal` after the early config).
            var stub = File.ReadAllLines(Local("stub.cfg"))
                .Where(l => !l.StartsWith("set prefix=", StringComparison.Ordinal) && !l.StartsWith("configfile ", StringComparison.Ordinal))
                .SelectMany(l => l.StartsWith("search ", StringComparison.Ordinal) ? [$"set prefix=($root){EspBoardDir}", l] : new[] { l })
                .Append("configfile $prefix/grub.cfg");
            File.WriteAllLines(Local("stub.cfg"), stub);
            ToolRunner.RunChecked("mmd", "-i", image, "::" + EspBoardDir);
            ToolRunner.RunChecked("mcopy", "-i", image, Local("grub.cfg"), Local("grubenv"), "::" + EspBoardDir);
            ToolRunner.RunChecked("mcopy", "-o", "-i", image, Local("stub.cfg"), "::/EFI/debian/grub.cfg");
            File.WriteAllText(Local("debugfs.cmds"),
                "rm /boot/grub/grubenv\n"
                + $"symlink /boot/grub/grubenv ../efi{EspBoardDir}/grubenv\n"
                + "rm /boot/grub/grub.cfg\n"
                + $"symlink /boot/grub/grub.cfg ../efi{EspBoardDir}/grub.cfg\n"
                + "mkdir /boot/efi\n");
            ToolRunner.RunChecked("debugfs", "-w", "-f", Local("debugfs.cmds"), board.Files.FsSpec);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        board.GrubEnv.UseEsp(esp.Offset, EspBoardDir);
        board.GrubEnv.Stage(new Dictionary<string, string?> { ["vm_cmdline"] = "appliance.esp=" + esp.GuestDevice });
    }

    /// <summary>
    /// Boots a fresh board <paramref name="runs"/> times (one QEMU at a time) into known-good and
    /// reports when the firmware, GRUB and userspace came, from QEMU's start.
    /// </summary>
    public static async Task<IReadOnlyList<BootTiming>> MeasureBootTimesAsync(RepoLayout layout, int runs, Action<string> say)
    {
        var timings = new List<BootTiming>();
        for (var i = 0; i < runs; i++)
        {
            await using var board = QemuBoard.Create($"boot-time-{i}", layout);
            board.Start();
            var (timing, _) = await TimeGoodBootAsync(board).ConfigureAwait(false);
            await WaitValidatedAfterUserspaceAsync(board, Good).ConfigureAwait(false);
            await PowerOffAsync(board).ConfigureAwait(false);
            say($"{board.Profile.Name} run {i + 1}: {timing}");
            timings.Add(timing);
        }

        return timings;
    }

    /// <summary>Waits through one boot of known-good up to its userspace marker; the EFI marker is null on a BIOS board.</summary>
    private static async Task<(BootTiming Timing, SerialLine? Efi)> TimeGoodBootAsync(QemuBoard board)
    {
        var firmware = await board.WaitForAsync(board.Banner).ConfigureAwait(false);
        var grub = await board.WaitForAsync(Markers.GrubStart).ConfigureAwait(false);
        await WaitBootAsync(board, Good).ConfigureAwait(false);
        var efi = board.Profile.Uefi is null ? null : await board.WaitForAsync(Markers.Efi).ConfigureAwait(false);
        var user = await board.WaitForAsync(Markers.Userspace(Good)).ConfigureAwait(false);
        var uptime = double.TryParse(Markers.ValueAfter(user, "uptime="), NumberStyles.Float, CultureInfo.InvariantCulture, out var u) ? u : double.NaN;
        var timing = new BootTiming(firmware.Elapsed.TotalSeconds, grub.Elapsed.TotalSeconds, user.Elapsed.TotalSeconds, uptime);
        return (timing, efi);
    }

    private static void AddTiming(Dictionary<string, string> observed, BootTiming timing)
    {
        observed["firmware_s"] = timing.Firmware.ToString("F1", CultureInfo.InvariantCulture);
        observed["grub_s"] = timing.Grub.ToString("F1", CultureInfo.InvariantCulture);
        observed["userspace_s"] = timing.Userspace.ToString("F1", CultureInfo.InvariantCulture);
    }

    private static (string Current, string[] Order) FirmwareBoot(string statusJson)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(statusJson);
        if (!doc.RootElement.TryGetProperty("firmware", out var firmware) || firmware.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return (string.Empty, []);
        }

        var current = firmware.GetProperty("boot_current").GetString() ?? string.Empty;
        var order = firmware.GetProperty("boot_order").EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToArray();
        return (current, order);
    }

    private static string EfiField(SerialLine efi, string name) =>
        Regex.Match(efi.Text, $@"\b{name}=(\S+)") is { Success: true } m ? m.Groups[1].Value : string.Empty;
}
