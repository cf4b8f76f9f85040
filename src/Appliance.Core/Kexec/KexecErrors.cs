using static Appliance.Core.Errno;

namespace Appliance.Core.Kexec;

/// <summary>What a kexec call was doing when it failed; the same errno means different things for each.</summary>
public enum KexecOperation
{
    /// <summary>kexec_file_load with KEXEC_FILE_ON_CRASH: the rescue kernel for a panic.</summary>
    LoadCrash,

    /// <summary>kexec_file_load without flags: the kernel for a soft reboot.</summary>
    LoadSoft,

    /// <summary>kexec_file_load with KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH.</summary>
    UnloadCrash,

    /// <summary>reboot(LINUX_REBOOT_CMD_KEXEC).</summary>
    Execute,
}

/// <summary>The classes of kexec failure; the CLI picks a sysexits code from each.</summary>
public enum KexecProblemKind
{
    /// <summary>No crash reservation, or one too small for the images (EADDRNOTAVAIL, ENOMEM on a crash load).</summary>
    Reservation,

    /// <summary>Not allowed: no CAP_SYS_BOOT, kexec_load_disabled, or an LSM.</summary>
    Forbidden,

    /// <summary>
    /// The kernel could not verify the image's signature and its policy (lockdown from Secure
    /// Boot, or CONFIG_KEXEC_SIG_FORCE) demands one: a fact of the machine's configuration
    /// (which kernels are signed by which keys), not of the caller's rights.
    /// </summary>
    Unverified,

    /// <summary>The kernel cannot load this image (ENOEXEC, EFBIG) or rejected the request (EINVAL).</summary>
    BadImage,

    /// <summary>Another kexec load or unload is running (EBUSY).</summary>
    Busy,

    /// <summary>The running kernel has no kexec_file_load, or no image is loaded to execute.</summary>
    Unsupported,

    /// <summary>Anything else; the message carries the errno.</summary>
    Failed,
}

/// <summary>A kexec failure as the operator reads it: what failed, why, what to do.</summary>
public sealed record KexecProblem(KexecProblemKind Kind, string Message);

/// <summary>What the running kernel says about kexec policy, to tell the causes of EPERM apart. Null fields were not readable.</summary>
/// <param name="Lockdown">The active mode from /sys/kernel/security/lockdown (none, integrity, confidentiality).</param>
/// <param name="LoadDisabled">/proc/sys/kernel/kexec_load_disabled is 1.</param>
/// <param name="IsRoot">The caller's effective uid is 0.</param>
public sealed record KexecPolicy(string? Lockdown, bool? LoadDisabled, bool IsRoot);

/// <summary>errno of kexec_file_load and reboot(LINUX_REBOOT_CMD_KEXEC) to <see cref="KexecProblem"/>.</summary>
public static class KexecErrors
{
    /// <param name="errno">The error the call returned.</param>
    /// <param name="operation">What was being done.</param>
    /// <param name="kernel">The kernel image path, for messages.</param>
    /// <param name="policy">The kernel's kexec policy, read after the failure.</param>
    /// <param name="describe">strerror for errnos this table does not know.</param>
    public static KexecProblem Explain(int errno, KexecOperation operation, string kernel, KexecPolicy policy, Func<int, string> describe)
    {
        string what = operation switch
        {
            KexecOperation.LoadCrash => $"loading {kernel} as the crash kernel",
            KexecOperation.LoadSoft => $"loading {kernel} for a kexec reboot",
            KexecOperation.UnloadCrash => "unloading the crash kernel",
            _ => "jumping into the loaded kernel",
        };

        switch (errno)
        {
            case EPERM when IsSignatureRefusal(operation, policy):
                // kernel/kexec_file.c kimage_validate_signature: when the image's signature does
                // not verify and the kernel is locked down (security_locked_down(LOCKDOWN_KEXEC)),
                // the load fails with EPERM, not with the verifier's own error.
                return new(KexecProblemKind.Unverified,
                    $"{what} was refused (EPERM): the kernel is locked down ({policy.Lockdown}, usually because Secure Boot is on) and could not verify {kernel}'s signature; {Unarmed(operation)}{HowToSign(kernel)}");
            case EPERM:
                return new(KexecProblemKind.Forbidden, $"{what} was refused (EPERM): {WhyForbidden(policy)}");
            case EKEYREJECTED or ENOKEY or ENODATA or EBADMSG:
                // With CONFIG_KEXEC_SIG_FORCE kimage_validate_signature returns the verifier's
                // error (crypto/asymmetric_keys/verify_pefile.c, certs/system_keyring.c).
                return new(KexecProblemKind.Unverified,
                    $"{what} was refused ({ErrnoName(errno)}): {WhyUnverified(errno, kernel)}; {Enforcer(policy)}; {Unarmed(operation)}{HowToSign(kernel)}");
            case EADDRNOTAVAIL:
                return operation == KexecOperation.LoadCrash
                    ? new(KexecProblemKind.Reservation,
                        $"{what} failed (EADDRNOTAVAIL): the kernel and initramfs do not fit in the crash reservation, or there is none; {CrashKernel.HowToReserve(CrashKernel.FormatSize(CrashKernel.RecommendedBytes))}")
                    : new(KexecProblemKind.Failed, $"{what} failed (EADDRNOTAVAIL): no free memory range could hold the image; free memory or reboot through the firmware instead");
            case ENOMEM:
                return operation == KexecOperation.LoadCrash
                    ? new(KexecProblemKind.Reservation,
                        $"{what} failed (ENOMEM): the crash reservation is too small for this kernel and initramfs; {CrashKernel.HowToReserve(CrashKernel.FormatSize(CrashKernel.RecommendedBytes))} (or larger)")
                    : new(KexecProblemKind.Failed, $"{what} failed (ENOMEM): not enough free memory to stage the image; reboot through the firmware instead ('appliance reboot' without --kexec)");
            case ENOEXEC:
                return new(KexecProblemKind.BadImage,
                    $"{what} failed (ENOEXEC): the running kernel cannot load this image format; kexec_file_load needs a bzImage with a 64-bit entry on x86_64 (an uncompressed Image on arm64 before 6.x); check that {kernel} is a kernel for this architecture");
            case EFBIG:
                return new(KexecProblemKind.BadImage, $"{what} failed (EFBIG): the kernel or initramfs is larger than kexec_file_load reads (4 GiB)");
            case EINVAL:
                return new(KexecProblemKind.BadImage,
                    $"{what} failed (EINVAL): the kernel rejected the request; most often the command line is longer than this kernel's cmdline_size allows, or the image is not a relocatable bzImage; see 'dmesg | grep kexec'");
            case EBUSY:
                return new(KexecProblemKind.Busy, $"{what} failed (EBUSY): another kexec load or unload is in progress; try again when it has finished");
            case ENOSYS:
                return new(KexecProblemKind.Unsupported,
                    $"{what} failed (ENOSYS): the running kernel was built without kexec_file_load (CONFIG_KEXEC_FILE, and CONFIG_CRASH_DUMP for a crash kernel); the kexec path cannot be used on it, the GRUB rollback still works");
            case EBADF or ENOENT:
                return new(KexecProblemKind.Failed, $"{what} failed: the kernel could not read the image ({describe(errno)}); check {kernel} and its initramfs");
            default:
                return new(KexecProblemKind.Failed, $"{what} failed: {describe(errno)} (errno {errno})");
        }
    }

    /// <summary>
    /// EPERM from a load is the signature check when the caller is root, kexec is not disabled
    /// and the kernel is locked down: kexec_load_permitted() (kernel/kexec_core.c) was passed, so
    /// what is left is kimage_validate_signature().
    /// </summary>
    private static bool IsSignatureRefusal(KexecOperation operation, KexecPolicy policy) =>
        operation is KexecOperation.LoadCrash or KexecOperation.LoadSoft
        && policy.IsRoot
        && policy.LoadDisabled != true
        && policy.Lockdown is "integrity" or "confidentiality";

    private static string Enforcer(KexecPolicy policy) => policy.Lockdown is "integrity" or "confidentiality"
        ? $"the kernel is locked down ({policy.Lockdown}, usually because Secure Boot is on) and loads only kernels whose signature it verifies"
        : "the kernel enforces kexec signatures (CONFIG_KEXEC_SIG_FORCE)";

    private static string Unarmed(KexecOperation operation) => operation == KexecOperation.LoadCrash
        ? "no crash kernel is loaded, so a panicking trial gets no kexec rescue (GRUB's try counter and the watchdog still cover it); "
        : "";

    private static string HowToSign(string kernel) =>
        $"load a kernel signed by a key the running kernel trusts (the distribution's signed linux-image package, or a key enrolled with 'mokutil --import'), or check {kernel} with 'sbverify --list'";

    private static string WhyUnverified(int errno, string kernel) => errno switch
    {
        ENODATA => $"{kernel} carries no signature",
        ENOKEY => $"{kernel} is signed by a key that is not in the kernel's keyrings",
        EKEYREJECTED => $"{kernel}'s signature was rejected (a blacklisted key or hash, or a signature that does not match the image)",
        _ => $"{kernel}'s signature is malformed",
    };

    private static string ErrnoName(int errno) => errno switch
    {
        ENODATA => "ENODATA",
        ENOKEY => "ENOKEY",
        EKEYREJECTED => "EKEYREJECTED",
        EBADMSG => "EBADMSG",
        _ => $"errno {errno}",
    };

    /// <summary>The EPERM causes, most specific first: kexec_load_permitted() checks CAP_SYS_BOOT and kexec_load_disabled, kimage_validate_signature() lockdown.</summary>
    private static string WhyForbidden(KexecPolicy policy)
    {
        if (!policy.IsRoot)
        {
            return "it needs CAP_SYS_BOOT; run as root";
        }

        if (policy.LoadDisabled == true)
        {
            return "/proc/sys/kernel/kexec_load_disabled is 1, which stays set until the next boot; find what sets it (a sysctl.d file or a hardening service) and remove that";
        }

        return "the kernel's kexec policy does not allow it (CAP_SYS_BOOT, kexec_load_disabled, kexec_load_limit_panic or an LSM); see 'dmesg | grep -i kexec'";
    }
}
