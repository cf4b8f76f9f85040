namespace Appliance.Core.Kexec;

public enum RescueRebootKind
{
    /// <summary>kexec straight into the known-good kernel (the fast path, ~7 s less than the firmware on the QEMU board).</summary>
    Soft,

    /// <summary>reboot(2) through the firmware and GRUB, which boots known-good once the trial is rejected.</summary>
    Firmware,
}

public sealed record RescueRebootDecision(RescueRebootKind Kind, string Reason);

/// <summary>How the rescue kernel should leave, once it has saved the forensics and rejected the trial.</summary>
public static class RescueReboot
{
    /// <summary>
    /// Time from the rescue's jump to known-good's userspace, with margin: the QEMU board took
    /// 19.6 s from panic to known-good's userspace by the soft path, 7-10 s of it to reach the
    /// rescue's userspace (shared/notes/rollback-timings.md).
    /// </summary>
    public static readonly TimeSpan SoftPathBudget = TimeSpan.FromSeconds(20);

    /// <param name="memmapNeeded">The platform hands a kexec'd kernel the caller's memory map (x86: there is a /sys/firmware/memmap), so from a crash kernel the map must come with the command line.</param>
    /// <param name="memmap">The memmap= values the trial recorded when it armed (<see cref="MemoryMap.FromCommandLine"/>).</param>
    /// <param name="hardwareWatchdog">A hardware watchdog is present. A crash kexec runs no shutdown code, so it keeps counting through the rescue and a soft kexec whatever the rescue's sysfs says (measured: the i6300esb reset the board 4.5 s after known-good's userspace came up unpetted).</param>
    /// <param name="watchdogTimeout">Its timeout, once the caller has petted it right before the jump.</param>
    public static RescueRebootDecision Choose(bool memmapNeeded, IReadOnlyList<string> memmap, bool hardwareWatchdog, TimeSpan? watchdogTimeout)
    {
        if (memmapNeeded && memmap.Count == 0)
        {
            return new(RescueRebootKind.Firmware,
                "the crash kernel's command line carries no memory map (appliance.memmap=), so a soft kexec would give known-good only the crash reservation as RAM");
        }

        if (hardwareWatchdog && (watchdogTimeout is null || watchdogTimeout < SoftPathBudget))
        {
            string timeout = watchdogTimeout is { } t ? $"{t.TotalSeconds:0} s" : "an unknown timeout";
            return new(RescueRebootKind.Firmware,
                $"a hardware watchdog with {timeout} keeps counting through a soft kexec, and known-good needs about {SoftPathBudget.TotalSeconds:0} s to start petting it; a firmware reset stops it");
        }

        return new(RescueRebootKind.Soft, "soft kexec into known-good");
    }

    /// <summary>The rescue's journal note when it leaves by the soft path; <paramref name="watchdogs"/> says what was petted right before the jump.</summary>
    public static string SoftNote(string entry, IReadOnlyList<string> watchdogs) =>
        $"left the rescue by soft kexec into '{entry}' with the whole machine's memory map, without a firmware pass"
        + (watchdogs.Count == 0 ? "" : $" ({string.Join("; ", watchdogs)})");

    /// <summary>The rescue's journal note when <see cref="Choose"/> picked the firmware: <paramref name="reason"/> is its reason.</summary>
    public static string FirmwareNote(string reason) => $"left the rescue through the firmware: {reason}";

    /// <summary>The rescue's journal note when a kexec step failed and it fell back to the firmware reboot.</summary>
    public static string FailedNote(string error) =>
        $"the soft kexec into known-good failed ({error}), so the rescue rebooted through the firmware";
}
