namespace Appliance.Core.Boot;

/// <summary>
/// The trial-boot state machine, as pure functions from the current grubenv state to an edit
/// of it. GRUB's half (counting tries down, falling back) is grub/appliance.cfg; this is the
/// agent's half. Every operation is idempotent: applying its edit twice changes nothing more.
/// </summary>
public static class TrialMachine
{
    public const string BootTrial = "trial";
    public const string BootRollback = "rollback";
    public const string BootRejected = "rejected";

    /// <summary>Stages <paramref name="trial"/> for <paramref name="tries"/> boots, with <paramref name="good"/> as the entry to return to.</summary>
    public static EnvEdit Stage(TrialState state, string trial, string good, int tries)
    {
        if (tries is < 1 or > TrialVariables.MaxTries)
        {
            throw new TrialException(TrialErrorKind.Invalid, $"tries must be 1 to {TrialVariables.MaxTries} (GRUB counts them down as one digit), not {tries}");
        }

        if (trial == good)
        {
            throw new TrialException(TrialErrorKind.Invalid, $"'{trial}' is already the known-good entry; there is nothing to try");
        }

        if (state.Trial is { } staged && staged != trial)
        {
            throw new TrialException(TrialErrorKind.Conflict, $"a trial of '{staged}' is already staged; run 'appliance upgrade abort' first");
        }

        return new EnvEdit(
            [
                new(TrialVariables.Trial, trial),
                new(TrialVariables.Tries, tries.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new(TrialVariables.Good, good),
            ],
            [TrialVariables.Boot, TrialVariables.Failed, TrialVariables.LegacyFallback]);
    }

    /// <summary>
    /// Makes <paramref name="good"/> the known-good entry GRUB boots whenever no trial runs, and
    /// the distro's saved default. Refused while a trial is staged or running: the trial's own
    /// outcome decides then.
    /// </summary>
    public static EnvEdit Pin(TrialState state, string good)
    {
        if (state.Trial is { } trial)
        {
            throw new TrialException(TrialErrorKind.Conflict, $"a trial of '{trial}' is staged; commit or abort it before pinning another known-good entry");
        }

        return state.Good == good && state.SavedEntry == good
            ? EnvEdit.None
            : new EnvEdit([new(TrialVariables.SavedEntry, good), new(TrialVariables.Good, good)], [TrialVariables.LegacyFallback]);
    }

    /// <summary>Makes the running trial the known-good and default entry. Refused unless the trial is what is running.</summary>
    public static EnvEdit Commit(TrialState state, BootKind running)
    {
        if (state.Trial is not { } trial)
        {
            return EnvEdit.None;
        }

        if (running != BootKind.Trial)
        {
            throw new TrialException(TrialErrorKind.Conflict, $"the trial '{trial}' is not the running kernel ({Describe(running)}); only a booted trial can be committed");
        }

        return new EnvEdit(
            [new(TrialVariables.SavedEntry, trial), new(TrialVariables.Good, trial)],
            [TrialVariables.Trial, TrialVariables.Tries, TrialVariables.LegacyFallback, TrialVariables.Boot, TrialVariables.Failed]);
    }

    /// <summary>Drops a staged trial; the known-good entry stays. A running trial needs a reboot afterwards.</summary>
    public static EnvEdit Abort(TrialState state) =>
        state.Trial is null
            ? EnvEdit.None
            : new EnvEdit([], [TrialVariables.Trial, TrialVariables.Tries, TrialVariables.LegacyFallback, TrialVariables.Boot]);

    /// <summary>Marks the trial failed so the next boot is the known-good entry.</summary>
    public static EnvEdit Reject(TrialState state)
    {
        if (state.Trial is not { } trial)
        {
            return EnvEdit.None;
        }

        return new EnvEdit(
            [new(TrialVariables.Failed, trial), new(TrialVariables.Boot, BootRejected)],
            [TrialVariables.Trial, TrialVariables.Tries, TrialVariables.LegacyFallback]);
    }

    /// <summary>
    /// Works out how this boot came about from grubenv, the entry the kernel command line
    /// matches (<paramref name="runningEntry"/>, null when unknown) and whether this is a crash kernel.
    /// </summary>
    public static BootKind Assess(TrialState state, string? runningEntry, bool isRescue)
    {
        if (isRescue)
        {
            return BootKind.Rescue;
        }

        if (state.Boot == BootRollback)
        {
            return BootKind.RolledBack;
        }

        if (state.Boot == BootRejected)
        {
            return runningEntry is not null && runningEntry == state.Failed && runningEntry != state.Good
                ? BootKind.RejectedTrialRunning
                : BootKind.AfterRejection;
        }

        if (state.Trial is { } trial && state.Boot == BootTrial)
        {
            // An unknown running entry is taken as the trial: GRUB did choose it, and a wrong
            // guess costs one rollback at worst, while the opposite guess would drop a good trial.
            return runningEntry is null || runningEntry == trial ? BootKind.Trial : BootKind.FellBack;
        }

        return BootKind.Normal;
    }

    /// <summary>What <c>boot validate</c> does for a boot of <paramref name="kind"/> whose checks gave <paramref name="healthy"/>.</summary>
    /// <param name="running">
    /// The running entry, as it would be recorded (<see cref="Menu.Menu.Pinned"/>), null when
    /// unknown. A healthy normal boot with no known-good entry yet pins it, so GRUB stops booting
    /// whatever its own default is (the newest kernel, untested) from the next boot on.
    /// </param>
    public static ValidationDecision Decide(TrialState state, BootKind kind, bool healthy, string? running = null)
    {
        switch (kind)
        {
            case BootKind.Normal when healthy && state.Good is null && state.Trial is null && running is not null:
                return new(ValidationOutcome.Good, Pin(state, running), Reboot: false,
                    $"boot is healthy; '{running}' is now the known-good entry GRUB boots");
            case BootKind.Trial when healthy:
                return new(ValidationOutcome.Committed, Commit(state, kind), Reboot: false,
                    $"trial '{state.Trial}' passed its checks and is now the known-good entry");
            case BootKind.Trial:
                return new(ValidationOutcome.Rejected, Reject(state), Reboot: true,
                    $"trial '{state.Trial}' failed its checks; rolling back to '{state.Good}'");
            case BootKind.FellBack:
                return new(ValidationOutcome.RolledBack, EndTrial(state), Reboot: false,
                    $"trial '{state.Trial}' failed to load and GRUB fell back to '{state.Good}'");
            case BootKind.RolledBack:
                return new(ValidationOutcome.RolledBack, Acknowledge(), Reboot: false,
                    $"trial '{state.Failed}' used all its tries without coming up healthy; running known-good '{state.Good}'");
            case BootKind.AfterRejection:
                return new(ValidationOutcome.RolledBack, Acknowledge(), Reboot: false,
                    $"trial '{state.Failed}' was rejected on its last boot; running known-good '{state.Good}'");
            case BootKind.RejectedTrialRunning:
                return new(ValidationOutcome.Rejected, EnvEdit.None, Reboot: true,
                    $"trial '{state.Failed}' was rejected but is running again; rebooting into '{state.Good}'");
            case BootKind.Rescue when !state.HasTrial:
                // No trial to blame: a panic drill, or a crash of a kernel armed by hand.
                return new(ValidationOutcome.Unhealthy, EnvEdit.None, Reboot: true,
                    $"the kernel crashed into the rescue kernel with no trial staged; rebooting into known-good '{state.Good}'");
            case BootKind.Rescue:
                return new(ValidationOutcome.Rejected, Reject(state), Reboot: true,
                    $"trial '{state.Trial}' crashed into the rescue kernel; rolling back to '{state.Good}'");
            default:
                return new(healthy ? ValidationOutcome.Good : ValidationOutcome.Unhealthy, EnvEdit.None, Reboot: false,
                    healthy ? "boot is healthy" : "boot is unhealthy, but there is no trial to roll back");
        }
    }

    /// <summary>
    /// What the trial deadline does once this boot has gone <paramref name="deadline"/> since
    /// power-on without being validated: a running trial is rejected as a failed try and the
    /// machine reboots into known-good; any other boot, or a trial already decided, is left alone.
    /// </summary>
    /// <param name="stillStarting">What systemd was still starting, for the operator; empty when unknown.</param>
    public static ValidationDecision? Overdue(TrialState state, BootKind kind, TimeSpan deadline, string stillStarting)
    {
        if (kind != BootKind.Trial || state.Trial is null)
        {
            return null;
        }

        string seconds = deadline.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture);
        string waiting = stillStarting.Length > 0 ? $"; still starting: {stillStarting}" : "";
        return new(ValidationOutcome.Rejected, Reject(state), Reboot: true,
            $"trial '{state.Trial}' was not validated within {seconds} s of power-on (the boot never completed, or the validator never ran){waiting}; rolling back to '{state.Good}'");
    }

    private static EnvEdit Acknowledge() => new([], [TrialVariables.Boot]);

    /// <summary>
    /// Ends a trial that is already over on this boot (GRUB fell back from it): recorded as
    /// failed, with nothing left for the next boot to act on.
    /// </summary>
    private static EnvEdit EndTrial(TrialState state) =>
        state.Trial is not { } trial
            ? EnvEdit.None
            : new EnvEdit(
                [new(TrialVariables.Failed, trial)],
                [TrialVariables.Trial, TrialVariables.Tries, TrialVariables.LegacyFallback, TrialVariables.Boot]);

    public static string Describe(BootKind kind) => kind switch
    {
        BootKind.Normal => "a normal boot",
        BootKind.Trial => "the trial",
        BootKind.FellBack => "the fallback after the trial failed to load",
        BootKind.RolledBack => "known-good after the trial used its tries",
        BootKind.AfterRejection => "known-good after the trial was rejected",
        BootKind.RejectedTrialRunning => "the rejected trial, again",
        BootKind.Rescue => "the rescue kernel",
        _ => kind.ToString(),
    };
}

public enum ValidationOutcome
{
    /// <summary>Normal boot, checks passed.</summary>
    Good,
    /// <summary>Normal boot, checks failed; nothing to roll back to.</summary>
    Unhealthy,
    /// <summary>Trial passed and became known-good.</summary>
    Committed,
    /// <summary>Trial failed here; a reboot takes the machine back to known-good.</summary>
    Rejected,
    /// <summary>Known-good is running after a trial failed on an earlier boot.</summary>
    RolledBack,
}

/// <summary>The validator's decision: what to write, whether to reboot, and the sentence for the operator.</summary>
public sealed record ValidationDecision(ValidationOutcome Outcome, EnvEdit Edit, bool Reboot, string Message);
