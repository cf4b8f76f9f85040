using Appliance.Core.Health;

namespace Appliance.Core.Config;

/// <summary><c>[Boot]</c>: the trial boot.</summary>
public sealed record BootConfig
{
    /// <summary>The range of ValidateDeadlineSec, and of the command line's <c>--deadline</c>: at least a second for the checks, at most a day.</summary>
    public static readonly TimeSpan ValidateDeadlineMin = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan ValidateDeadlineMax = TimeSpan.FromDays(1);

    /// <summary>Boots GRUB grants a trial kernel before it falls back; one digit in grubenv, so 1 to 9.</summary>
    public int Tries { get; init; } = 3;

    /// <summary>How long boot validation may take before the boot counts as failed.</summary>
    public TimeSpan ValidateDeadline { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// How long after power-on a trial boot may take to be validated. A trial whose boot never
    /// completes (a unit that never finishes, multi-user.target never reached, the validator
    /// masked) is rejected then and the machine reboots into known-good, instead of staying on
    /// the trial until somebody reboots it.
    /// </summary>
    public TimeSpan TrialDeadline { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a healthy trial's required checks must keep passing before it is committed
    /// (<c>StabilitySec</c>); zero commits at the first passing validation. A failing check, a
    /// crash or a hang inside the window is a failed try.
    /// </summary>
    public TimeSpan Stability { get; init; } = TimeSpan.Zero;

    /// <summary>Whether to load the known-good kernel as the panic (kexec) kernel during a trial.</summary>
    public bool ArmKexec { get; init; } = true;

    /// <summary>
    /// Whether a rejected trial goes back to known-good by kexec (no firmware pass) instead of
    /// a firmware reboot. The rejection is in grubenv first, so a kexec that fails still ends on
    /// known-good through GRUB. On by default (issue 16): where kexec does not work (no
    /// kexec_file_load, an unsigned kernel under lockdown, kexec_load_disabled) the machine
    /// reboots through the firmware as before and the trial's journal record says why.
    /// </summary>
    public bool RejectByKexec { get; init; } = true;

    /// <summary>
    /// Whether the rescue (crash) kernel, once it has saved the panic log and rejected the
    /// trial, goes on to known-good by a soft kexec with the whole machine's memory map instead
    /// of a firmware reboot (issue 16). On by default: when the soft path is unsafe (no recorded
    /// memory map, a hardware watchdog too short for the jump) or any kexec step fails, the
    /// rescue reboots through the firmware as before, and its journal record says why.
    /// </summary>
    public bool RescueByKexec { get; init; } = true;

    /// <summary>Whether a failed validation reboots at once instead of waiting for the watchdog.</summary>
    public bool RebootOnFailure { get; init; } = true;
}

/// <summary><c>[Checks]</c>: the executable checks in greenboot's layout.</summary>
public sealed record ChecksConfig
{
    /// <summary>Absolute path, resolved under the root, holding <c>required.d/</c> and <c>wanted.d/</c>.</summary>
    public string Directory { get; init; } = "/etc/appliance/checks.d";

    /// <summary>How long one check may run before its process group is killed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How much of a check's output is kept (its head and its tail).</summary>
    public int OutputLimitBytes { get; init; } = 65536;

    /// <summary>How many checks run at once.</summary>
    public int MaxParallel { get; init; } = 4;
}

/// <summary>Everything in <c>appliance.conf</c> and its drop-ins, validated.</summary>
public sealed record ApplianceConfig
{
    /// <summary>The checks that exist without any configuration; a <c>[Check:NAME]</c> section with the same name changes them.</summary>
    public static readonly IReadOnlyList<BuiltinCheckSettings> DefaultBuiltinChecks =
    [
        new FileDescriptorSettings(),
        new LoadAverageSettings(),
        new MemorySettings(),
        new SystemdStateSettings(),
    ];

    public static ApplianceConfig Default { get; } = new();

    public BootConfig Boot { get; init; } = new();

    public ChecksConfig Checks { get; init; } = new();

    /// <summary>Every built-in check, in name order, enabled or not.</summary>
    public IReadOnlyList<BuiltinCheckSettings> BuiltinChecks { get; init; } = DefaultBuiltinChecks;

    /// <summary><c>[Watchdog]</c>: what <c>appliance watchdog run</c> pets and judges.</summary>
    public Watchdog.WatchdogSettings Watchdog { get; init; } = new();
}
