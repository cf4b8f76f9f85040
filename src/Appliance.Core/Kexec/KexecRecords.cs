using System.Text.Json.Serialization;

namespace Appliance.Core.Kexec;

/// <summary>
/// What <c>kexec arm</c> loaded, kept in <c>/var/lib/appliance/kexec/armed.json</c>: the kernel
/// reports only that something is loaded, not what.
/// </summary>
public sealed record ArmedState
{
    /// <summary>The menu entry reference the rescue kernel was built from.</summary>
    [JsonPropertyName("entry")]
    public required string Entry { get; init; }

    /// <summary>The kernel file loaded (resolved path under the root).</summary>
    [JsonPropertyName("kernel")]
    public required string Kernel { get; init; }

    [JsonPropertyName("initrd")]
    public string? Initrd { get; init; }

    [JsonPropertyName("cmdline")]
    public required string CommandLine { get; init; }

    [JsonPropertyName("time")]
    public required DateTimeOffset Time { get; init; }

    /// <summary>The boot the load belongs to; a crash kernel does not survive a reboot, so a record from another boot is history.</summary>
    [JsonPropertyName("boot_id")]
    public required string BootId { get; init; }

    /// <summary>The <c>memmap=</c> values recorded from /sys/firmware/memmap, for the rescue's soft kexec; empty where there is no firmware map.</summary>
    [JsonPropertyName("memmap")]
    public IReadOnlyList<string> Memmap { get; init; } = [];

    [JsonPropertyName("reserved_bytes")]
    public long ReservedBytes { get; init; }
}

/// <summary>The sysctl values the panic policy replaced, kept in <c>/var/lib/appliance/kexec/sysctl-saved.json</c> until restored.</summary>
public sealed record SavedSysctls
{
    /// <summary>The boot they were saved on; sysctls reset on reboot, so values saved on another boot are not put back.</summary>
    [JsonPropertyName("boot_id")]
    public required string BootId { get; init; }

    [JsonPropertyName("time")]
    public required DateTimeOffset Time { get; init; }

    /// <summary>sysctl name (kernel.panic) to its value before the policy was applied.</summary>
    [JsonPropertyName("values")]
    public required Dictionary<string, string> Values { get; init; }
}

/// <summary>What <c>kexec status --json</c> prints.</summary>
public sealed record KexecStatusReport
{
    /// <summary>Bytes reserved for a crash kernel (/sys/kernel/kexec_crash_size); 0 when none; null when unreadable.</summary>
    [JsonPropertyName("reserved_bytes")]
    public long? ReservedBytes { get; init; }

    /// <summary>The crashkernel= the running kernel was booted with.</summary>
    [JsonPropertyName("crashkernel")]
    public string? CrashKernel { get; init; }

    [JsonPropertyName("crash_loaded")]
    public bool? CrashLoaded { get; init; }

    [JsonPropertyName("kexec_loaded")]
    public bool? KexecLoaded { get; init; }

    /// <summary>This boot is a rescue kernel (crash kernel with /proc/vmcore, or the rescue token).</summary>
    [JsonPropertyName("rescue")]
    public bool Rescue { get; init; }

    /// <summary>What armed.json says was loaded, when it belongs to this boot.</summary>
    [JsonPropertyName("armed")]
    public ArmedState? Armed { get; init; }

    /// <summary>An armed.json from an earlier boot (the load it describes is gone).</summary>
    [JsonPropertyName("armed_previous_boot")]
    public ArmedState? ArmedPreviousBoot { get; init; }

    /// <summary>The panic policy's saved values, when it is applied.</summary>
    [JsonPropertyName("panic_policy_saved")]
    public SavedSysctls? PanicPolicySaved { get; init; }

    /// <summary>Problems found (crash kernel loaded but armed.json missing, and the like).</summary>
    [JsonPropertyName("warnings")]
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>
/// The panic policy for a trial boot: every way a kernel can limp on (an oops, a soft lockup,
/// a hung task) becomes a panic, so the crash kernel (or panic=N and GRUB's tries) takes over
/// instead of a half-working trial passing its checks.
/// </summary>
/// <param name="PanicTimeout">kernel.panic: seconds before rebooting after a panic when no crash kernel is loaded. 1 because every second on a dead console is downtime; the panic text is kept by pstore or the vmcore.</param>
public sealed record PanicSettings(int PanicTimeout = 1, bool PanicOnOops = true, bool SoftlockupPanic = true, bool HungTaskPanic = true)
{
    public static PanicSettings Default { get; } = new();

    /// <summary>The sysctls to write, by name, with their values (Documentation/admin-guide/sysctl/kernel.rst).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Sysctls()
    {
        var values = new List<KeyValuePair<string, string>>
        {
            new("kernel.panic", PanicTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (PanicOnOops)
        {
            values.Add(new("kernel.panic_on_oops", "1"));
        }

        if (SoftlockupPanic)
        {
            values.Add(new("kernel.softlockup_panic", "1"));
        }

        if (HungTaskPanic)
        {
            values.Add(new("kernel.hung_task_panic", "1"));
        }

        return values;
    }

    /// <summary>The /proc/sys path of a sysctl name, relative to the root: kernel.panic is proc/sys/kernel/panic.</summary>
    public static string ProcPath(string sysctl) => "proc/sys/" + sysctl.Replace('.', '/');
}
