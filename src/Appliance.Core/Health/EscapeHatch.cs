using Appliance.Core.Boot;
using Appliance.Core.Collections;
using Appliance.Core.Kexec;

namespace Appliance.Core.Health;

/// <summary>The known-good entry's kernel and initrds, as the probe measured them.</summary>
public sealed record KnownGoodImages(string Entry, string Kernel, KernelFootprintInput Footprint, KernelSignatureState Signature);

/// <summary>
/// What the escape-hatch self-test looks at, all read by Appliance.Linux under the root. Null
/// means the probe could not tell (the file is absent); the rules say so instead of guessing.
/// </summary>
public sealed record EscapeHatchFacts
{
    /// <summary>This boot is the trial (<see cref="TrialMachine.Assess"/> said <see cref="BootKind.Trial"/>).</summary>
    public required bool TrialRunning { get; init; }

    /// <summary><c>[Boot] ArmKexec</c>: whether a crash kernel is wanted at all.</summary>
    public required bool ArmKexec { get; init; }

    /// <summary>/sys/kernel/kexec_crash_loaded.</summary>
    public bool? CrashLoaded { get; init; }

    /// <summary>/sys/kernel/kexec_crash_size; 0 when nothing is reserved.</summary>
    public long? ReservedBytes { get; init; }

    /// <summary>The known-good entry's images; null with <see cref="KnownGoodProblem"/> saying why.</summary>
    public KnownGoodImages? KnownGood { get; init; }

    /// <summary>Why the known-good images could not be measured (none recorded, entry or file missing).</summary>
    public string? KnownGoodProblem { get; init; }

    /// <summary>The bracketed word of /sys/kernel/security/lockdown; null without the lockdown LSM.</summary>
    public string? Lockdown { get; init; }

    /// <summary>The SecureBoot EFI variable; null on BIOS machines or without efivarfs.</summary>
    public bool? SecureBoot { get; init; }

    /// <summary>Each /sys/class/watchdog/watchdogN and its <c>state</c> ("active", "inactive"; null when the driver has none).</summary>
    public IReadOnlyList<(string Name, string? State)> Watchdogs { get; init; } = [];

    /// <summary>Where grubenv lives; null when the mount table did not say.</summary>
    public GrubenvStorage? GrubenvStorage { get; init; }

    /// <summary>The Appliance contract version in grub.cfg (<see cref="GrubContract.Find"/>); null when it has none.</summary>
    public int? GrubContractVersion { get; init; }

    /// <summary>Why grub.cfg could not be read; null when it was.</summary>
    public string? GrubCfgProblem { get; init; }
}

/// <summary>One self-test rule's verdict on this machine.</summary>
public sealed record EscapeHatchFinding(string Id, CheckOutcome Outcome)
{
    /// <summary>The check name <c>appliance check</c> reports it under.</summary>
    public string CheckName => EscapeHatch.Prefix + Id;

    /// <summary>The problem is present (the rule failed or could not be evaluated).</summary>
    public bool Present => Outcome.Result is CheckResult.Fail or CheckResult.Error or CheckResult.Timeout;
}

/// <summary>
/// The escape-hatch self-test (issue 17): the paths that bring a failed trial back to known-good
/// (kexec into a crash kernel, the hardware watchdog, GRUB's try counter) are each checked before
/// the night they are needed. One rule per path, each a pure function of <see cref="EscapeHatchFacts"/>
/// giving one sentence: what is wrong, why it matters, what to do. The rules about a running trial
/// (<see cref="CrashKernelId"/>, <see cref="WatchdogId"/>) do not apply on other boots.
/// </summary>
public static class EscapeHatch
{
    public const string Prefix = "escape-hatch:";
    public const string CrashKernelId = "crash-kernel";
    public const string ReservationId = "crash-reservation";
    public const string SignatureId = "kexec-signature";
    public const string WatchdogId = "watchdog";
    public const string GrubenvId = "grubenv";
    public const string GrubContractId = "grub-contract";

    /// <summary>Every rule's id, in the order they are reported.</summary>
    public static IReadOnlyList<string> Ids { get; } = [CrashKernelId, ReservationId, SignatureId, WatchdogId, GrubenvId, GrubContractId];

    private const string NoCrashKernelWanted = "[Boot] ArmKexec=no: no crash kernel is wanted";

    public static IReadOnlyList<EscapeHatchFinding> Evaluate(EscapeHatchFacts facts) =>
    [
        new(CrashKernelId, CrashKernel(facts)),
        new(ReservationId, Reservation(facts)),
        new(SignatureId, Signature(facts)),
        new(WatchdogId, Watchdog(facts)),
        new(GrubenvId, Grubenv(facts)),
        new(GrubContractId, GrubCfg(facts)),
    ];

    /// <summary>The findings as checks of their own, required: a broken escape hatch fails <c>appliance check</c>.</summary>
    public static List<CheckRecord> Records(IEnumerable<EscapeHatchFinding> findings) =>
        findings.Map(f => CheckRecord.From(f.CheckName, CheckKind.Builtin, required: true, f.Outcome, TimeSpan.Zero));

    public static CheckOutcome CrashKernel(EscapeHatchFacts facts)
    {
        if (!facts.TrialRunning || !facts.ArmKexec)
        {
            return CheckOutcome.NotApplicable(!facts.ArmKexec ? NoCrashKernelWanted : "no trial is running");
        }

        return facts.CrashLoaded switch
        {
            true => CheckOutcome.Pass("a crash kernel is loaded for this trial"),
            false => CheckOutcome.Fail("A trial is running but no crash kernel is loaded (/sys/kernel/kexec_crash_loaded is 0), so a panic in the trial waits for a reset and GRUB's try counter instead of jumping straight into known-good; run 'appliance kexec arm' (or 'appliance boot validate', which arms it with [Boot] ArmKexec=yes)."),
            null => CheckOutcome.Fail("A trial is running but the kernel does not say whether a crash kernel is loaded (no /sys/kernel/kexec_crash_loaded: built without CONFIG_CRASH_DUMP?), so a panic may not reach known-good by kexec; boot a kernel with kexec and crash dump support or set [Boot] ArmKexec=no."),
        };
    }

    public static CheckOutcome Reservation(EscapeHatchFacts facts)
    {
        if (!facts.ArmKexec)
        {
            return CheckOutcome.NotApplicable(NoCrashKernelWanted);
        }

        if (facts.KnownGood is not { } good)
        {
            return CheckOutcome.NotApplicable($"the known-good kernel could not be measured: {facts.KnownGoodProblem ?? "none is recorded"}");
        }

        long needed = CrashFootprint.Needed(good.Footprint);
        string estimate = CrashFootprint.Explain(good.Footprint);
        string reserve = Kexec.CrashKernel.HowToReserve(Kexec.CrashKernel.FormatSize(Kexec.CrashKernel.Suggest(needed - Kexec.CrashKernel.HeadroomBytes)));
        long reserved = facts.ReservedBytes ?? 0;
        if (reserved < needed)
        {
            string what = facts.ReservedBytes is null ? "The kernel reports no crash reservation (no /sys/kernel/kexec_crash_size)"
                : reserved <= 0 ? "No memory is reserved for a crash kernel (/sys/kernel/kexec_crash_size is 0)" : $"The crash reservation (/sys/kernel/kexec_crash_size) is {CrashFootprint.Mib(reserved)}";
            return CheckOutcome.Fail($"{what} but the known-good kernel '{good.Entry}' needs about {CrashFootprint.Mib(needed)} there (estimated as {estimate}), so a panicking trial cannot be rescued by kexec, or the rescue kernel runs out of memory; {reserve}.");
        }

        return CheckOutcome.Pass($"reserved {CrashFootprint.Mib(reserved)}, needed about {CrashFootprint.Mib(needed)} ({estimate})");
    }

    public static CheckOutcome Signature(EscapeHatchFacts facts)
    {
        if (!facts.ArmKexec)
        {
            return CheckOutcome.NotApplicable(NoCrashKernelWanted);
        }

        if (facts.KnownGood is not { } good)
        {
            return CheckOutcome.NotApplicable($"the known-good kernel could not be inspected: {facts.KnownGoodProblem ?? "none is recorded"}");
        }

        bool lockedDown = facts.Lockdown is "integrity" or "confidentiality";
        string? enforcer = lockedDown ? $"the kernel is locked down ([{facts.Lockdown}] in /sys/kernel/security/lockdown)"
            : facts.SecureBoot == true ? "Secure Boot is on (which locks the kernel down on most distributions)"
            : null;
        if (enforcer is null)
        {
            return CheckOutcome.Pass("no lockdown and no Secure Boot: kexec_file_load needs no signature");
        }

        string? missing = good.Signature switch
        {
            KernelSignatureState.Unsigned => "has no Authenticode signature (its PE certificate table is empty)",
            KernelSignatureState.NotPe => "is not a PE image, so it cannot carry the Authenticode signature kexec_file_load verifies",
            KernelSignatureState.Unreadable => "has PE headers that could not be read to find a signature",
            _ => null,
        };
        return missing is null
            ? CheckOutcome.Pass($"{enforcer}, and the known-good kernel {good.Kernel} carries a signature (not checked against the kernel's keys)")
            : CheckOutcome.Fail($"The known-good kernel {good.Kernel} {missing} and {enforcer}, so kexec_file_load refuses it (EPERM) and a panicking trial cannot jump to known-good; install a signed kernel package for the known-good entry or sign it with a key the kernel trusts (sbsign, mokutil).");
    }

    public static CheckOutcome Watchdog(EscapeHatchFacts facts)
    {
        if (!facts.TrialRunning)
        {
            return CheckOutcome.NotApplicable("no trial is running");
        }

        if (facts.Watchdogs.Find(w => w.State == "active") is { Name: { } active })
        {
            return CheckOutcome.Pass($"{active} is active");
        }

        string seen = facts.Watchdogs.Count == 0 ? "no watchdog device is registered (/sys/class/watchdog is empty)" : "none of " + string.Join(", ", facts.Watchdogs.Map(w => $"{w.Name} ({w.State ?? "state unknown"})")) + " is active";
        return CheckOutcome.Fail($"A trial is running but no hardware watchdog is armed ({seen}), so a trial kernel that hangs without panicking stays hung until somebody power-cycles it; start 'appliance watchdog run' (appliance-watchdog.service) with a [Watchdog] Device= the board has.");
    }

    public static CheckOutcome Grubenv(EscapeHatchFacts facts)
    {
        if (facts.GrubenvStorage is not { } storage)
        {
            return CheckOutcome.NotApplicable("the mount table does not say where grubenv lives");
        }

        return GrubenvWritability.Problem(storage) is { } problem
            ? CheckOutcome.Fail($"GRUB cannot write grubenv: {problem}.")
            : CheckOutcome.Pass($"grubenv is on {storage.FilesystemType} ({storage.Source}), which GRUB can write");
    }

    public static CheckOutcome GrubCfg(EscapeHatchFacts facts)
    {
        if (facts.GrubCfgProblem is { } unreadable)
        {
            return CheckOutcome.Error($"grub.cfg could not be read, so whether GRUB counts trial tries is unknown: {unreadable}");
        }

        return GrubContract.Problem(facts.GrubContractVersion) is { } problem
            ? CheckOutcome.Fail(char.ToUpperInvariant(problem[0]) + problem[1..] + ".")
            : CheckOutcome.Pass($"grub.cfg carries Appliance's GRUB contract {facts.GrubContractVersion}");
    }
}
