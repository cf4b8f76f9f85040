namespace Appliance.Vm;

/// <summary>
/// Serial-console markers printed by tools/vm/grub.cfg.in (GRUB echo),
/// grub/appliance.cfg (GRUB's trial logic), tools/vm/init.sh (the initramfs)
/// and the appliance binary itself. Keep in step with those files.
/// </summary>
public static class Markers
{
    public const string GrubNextEntryConsumed = "GRUB: next_entry consumed default=";
    public const string GrubStart = "GRUB: start default=";

    /// <summary>grub/appliance.cfg: a try was spent and the trial boots ("appliance: booting trial X, N tries left after this one").</summary>
    public const string GrubTrialTry = "appliance: booting trial ";

    /// <summary>grub/appliance.cfg: the tries ran out ("appliance: trial X used all its tries; booting known-good G").</summary>
    public const string GrubTriesUsedUp = "used all its tries; booting known-good";

    /// <summary>GRUB 2.06 (grub-core/normal/menu.c) when the default entry fails and it takes ${fallback}.</summary>
    public const string GrubFallingBack = "Falling back to";

    /// <summary>Any entry's own echo in grub.cfg.in.</summary>
    public const string GrubBootingAny = "GRUB: booting ";

    public const string Bootstatus = "APPLIANCE-MARKER: bootstatus=";

    /// <summary>init.sh on a UEFI boot: "efi secureboot=N lockdown=none,[integrity],confidentiality" (the SecureBoot variable's value, /sys/kernel/security/lockdown).</summary>
    public const string Efi = "APPLIANCE-MARKER: efi ";

    /// <summary>tools/vm/app-check.sh (the 50-app required check) writes this to the console as it runs.</summary>
    public const string CheckRan = "APPLIANCE-MARKER: check 50-app ran";
    public const string StoppedPetting = "APPLIANCE-MARKER: stopped-petting";
    public const string SetNextEntry = "APPLIANCE-MARKER: set next_entry=";

    /// <summary>init.sh, right before `appliance boot validate` runs.</summary>
    public const string ValidateStart = "APPLIANCE-MARKER: validate start entry=";

    /// <summary>init.sh, after the validator returned (not printed when it rebooted by itself).</summary>
    public const string ValidateRc = "APPLIANCE-MARKER: validate rc=";

    /// <summary>init.sh: `appliance status --json` on one line.</summary>
    public const string Status = "APPLIANCE-MARKER: status ";

    public const string Operator = "APPLIANCE-MARKER: operator: appliance ";
    public const string OperatorRc = "APPLIANCE-MARKER: operator rc=";

    /// <summary>The agent's Rebooter, just before reboot(2).</summary>
    public const string AgentRebooting = "appliance: rebooting: ";

    /// <summary>Linux: the trial without an init panics ("Kernel panic - not syncing: ...").</summary>
    public const string KernelPanic = "Kernel panic - not syncing";

    /// <summary>init.sh watchdog_scenario (issue 5).</summary>
    public const string WatchdogDaemonRunning = "APPLIANCE-MARKER: wdt daemon running";
    public const string WatchdogInfo = "APPLIANCE-MARKER: wdt info ";
    public const string WatchdogStatus = "APPLIANCE-MARKER: wdt status ";
    public const string WatchdogDaemonStopped = "APPLIANCE-MARKER: wdt daemon stopped";
    public const string WatchdogAliveAfterStop = "APPLIANCE-MARKER: wdt still alive after stop";
    public const string WatchdogDaemonKilled = "APPLIANCE-MARKER: wdt daemon killed";
    public const string WatchdogResetCause = "APPLIANCE-MARKER: wdt reset-cause ";
    public const string WatchdogLastStop = "APPLIANCE-MARKER: wdt last-stop ";
    public const string WatchdogGpioValues = "APPLIANCE-MARKER: wdt gpio ";
    public const string GpioSimChip = "APPLIANCE-MARKER: gpio-sim dev=";
    public const string I2cStubBus = "APPLIANCE-MARKER: i2c-stub bus=";
    public const string WatchdogI2cCheck = "APPLIANCE-MARKER: wdt i2c check ";
    public const string WatchdogI2cHealthy = "APPLIANCE-MARKER: wdt i2c healthy ";

    /// <summary>The daemon's stderr (WatchdogDaemon.StopOnPurpose).</summary>
    public const string WatchdogStoppingOnPurpose = "appliance: stopping petting on purpose";

    /// <summary>app-check.sh under appliance.check=panic, right before sysrq-c.</summary>
    public const string CheckPanicking = "APPLIANCE-MARKER: check 50-app panicking kexec_crash_loaded=";

    /// <summary>init.sh in the crash kernel (/proc/vmcore or appliance.rescue=1).</summary>
    public const string RescueKernel = "APPLIANCE-MARKER: rescue kernel";

    /// <summary>init.sh wdtpre: the daemon runs with a pretimeout; sysfs pretimeout, governor and the governors available.</summary>
    public const string WatchdogPretimeoutDaemon = "APPLIANCE-MARKER: wdt pretimeout daemon ";

    /// <summary>init.sh's kexec-arm scenario.</summary>
    public const string KexecReserved = "APPLIANCE-MARKER: kexec reserved=";
    public const string KexecArmRc = "APPLIANCE-MARKER: kexec arm rc=";
    public const string KexecDisarmRc = "APPLIANCE-MARKER: kexec disarm rc=";

    /// <summary>The entry's own echo in grub.cfg.in; "kernel=" ends the id so "trial" does not match "trial-sick".</summary>
    public static string GrubBooting(string entry) => $"GRUB: booting {entry} kernel=";

    public static string Userspace(string entry) => $"{UserspaceAny}{entry} ";

    /// <summary>init.sh's userspace marker of any entry.</summary>
    public const string UserspaceAny = "APPLIANCE-MARKER: userspace entry=";

    /// <summary>init.sh's MemTotal line, printed right after the userspace marker.</summary>
    public static string Memory(string entry) => $"APPLIANCE-MARKER: memory entry={entry} total_kb=";

    public static string End(string action) => $"APPLIANCE-MARKER: end action={action}";

    /// <summary>The agent's stderr line for a failing check ("appliance: check NAME: failed: OUTPUT").</summary>
    public static string CheckFailed(string name) => $"appliance: check {name}: failed";

    /// <summary>The text after <paramref name="prefix"/> up to the next space.</summary>
    public static string ValueAfter(SerialLine line, string prefix)
    {
        var at = line.Text.IndexOf(prefix, StringComparison.Ordinal);
        if (at < 0)
        {
            return string.Empty;
        }

        var rest = line.Text[(at + prefix.Length)..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? rest : rest[..space];
    }

    /// <summary>The line from <paramref name="prefix"/> on (GRUB's lines may follow other text on the same line).</summary>
    public static string From(SerialLine line, string prefix)
    {
        var at = line.Text.IndexOf(prefix, StringComparison.Ordinal);
        return at < 0 ? line.Text : line.Text[at..];
    }

    /// <summary>Everything after <paramref name="prefix"/>.</summary>
    public static string RestAfter(SerialLine line, string prefix)
    {
        var at = line.Text.IndexOf(prefix, StringComparison.Ordinal);
        return at < 0 ? string.Empty : line.Text[(at + prefix.Length)..];
    }
}
