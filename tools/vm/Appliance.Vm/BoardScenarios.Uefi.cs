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
        run.Observed["lockdown_modes"] = lockdownModes;
        AddTiming(run.Observed, timing);
        return run.Finish();
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

    private static string EfiField(SerialLine efi, string name) =>
        Regex.Match(efi.Text, $@"\b{name}=(\S+)") is { Success: true } m ? m.Groups[1].Value : string.Empty;
}
