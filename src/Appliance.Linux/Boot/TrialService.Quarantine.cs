using Appliance.Core.Boot;
using Appliance.Core.Metrics;
using Appliance.Core.Quarantine;
using Appliance.Linux.Config;
using Appliance.Linux.Files;
using Appliance.Linux.Journal;
using Appliance.Linux.Menu;

namespace Appliance.Linux.Boot;

/// <summary>
/// The quarantine: a kernel build whose trial failed is recorded, and staging it again is
/// refused until a person decides (<c>--force</c>, <c>upgrade forget</c>), so a rollout that
/// re-stages on every run cannot loop a machine through the same failure.
/// </summary>
public sealed partial class TrialService
{
    public QuarantineStore Quarantine => _quarantine ??= new QuarantineStore(StatePaths.Under(Root, StatePaths.Quarantine), _steps);

    /// <summary>The quarantined kernels, or none with a warning when the list cannot be read: status must still show the rest.</summary>
    public IReadOnlyList<QuarantineEntry> QuarantinedOrWarn()
    {
        try
        {
            return Quarantine.Read().Kernels;
        }
        catch (FileProblemException e)
        {
            _log.WriteLine($"appliance: {e.Message}");
            return [];
        }
    }

    /// <summary>
    /// Takes <paramref name="kernel"/> off the list: a release (every build of it) or a kernel
    /// file's path under the root (that build, or its release when the file is gone). Returns
    /// what was removed; nothing is written when that is nothing.
    /// </summary>
    public IReadOnlyList<QuarantineEntry> Forget(string kernel)
    {
        var identity = new KernelIdentity(KernelIdentity.ReleaseFromName(kernel), null);
        if (kernel.Contains('/'))
        {
            string file = RootedPath.Resolve(Root, kernel);
            if (File.Exists(file))
            {
                try
                {
                    identity = KernelFiles.OfFile(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw FileProblems.From(e, file, what: $"kernel '{kernel}' cannot be read");
                }
            }
        }
        else
        {
            identity = new KernelIdentity(kernel, null);
        }

        if (Quarantine.Read().Remove(identity).Removed.Count == 0)
        {
            return [];
        }

        IReadOnlyList<QuarantineEntry> removed = [];
        Quarantine.Update(list =>
        {
            (var left, removed) = list.Remove(identity);
            return left;
        });
        return removed;
    }

    /// <summary>
    /// Before staging: refuses (nothing written) a trial whose kernel build is quarantined,
    /// unless <paramref name="force"/>, which stages it and says so. A rebuild of a quarantined
    /// release (same release, another hash) is a new build: staged, with a note.
    /// </summary>
    private void CheckQuarantine(Core.Menu.MenuEntry trial, bool force, List<string> notes)
    {
        if (trial.Kernel is not { } kernel || kernel.Contains('$'))
        {
            return;
        }

        var identity = KernelFiles.Identify(Root, kernel, trial.Path, out _);
        QuarantineMatch match;
        try
        {
            match = Quarantine.Read().Find(identity);
        }
        catch (FileProblemException e) when (force)
        {
            notes.Add($"the quarantine list cannot be read ({e.Message}); staged anyway (--force)");
            return;
        }

        if (match.Quarantined is { } failed)
        {
            if (!force)
            {
                throw new TrialException(
                    TrialErrorKind.Quarantined,
                    $"'{trial.Path}' boots a quarantined kernel: {failed.Describe()}. Nothing was staged. Use --force to try it anyway, or 'appliance upgrade forget {failed.Release}'");
            }

            notes.Add($"quarantine overridden (--force): {failed.Describe()}");
        }
        else if (match.Rebuilt is { } earlier)
        {
            notes.Add($"kernel {identity} is a new build of a release that failed before ({earlier.Describe()}); a different build is not quarantined");
        }
    }

    /// <summary>
    /// After a decision that the trial failed, puts the trial's kernel build on the list: a
    /// secondary write, whose failure is reported in <paramref name="problems"/> and never
    /// blocks the reboot into known-good. A kernel file that is gone is named by its file
    /// name's release without a hash. A build that known-good boots too is not quarantined:
    /// the kernel is proven, so the entry's command line or the machine failed, not the kernel.
    /// </summary>
    private void RecordFailure(TrialState state, string reason, string bootId, string message, List<string> notes, List<string> problems)
    {
        if ((state.Trial ?? state.Failed) is not { } trialPath)
        {
            return;
        }

        var menu = MenuOrNull();
        if (menu?.Resolve(trialPath) is not { Kernel: { } kernel } trial)
        {
            problems.Add($"quarantining the kernel of '{trialPath}' failed: no such kernel entry in grub.cfg to tell its kernel by");
            return;
        }

        var identity = KernelFiles.Identify(Root, kernel, trial.Path, out string? unreadable);
        if (identity.Sha256 is not null && state.Good is { } good && menu.Resolve(good) is { Kernel: { } goodKernel } goodEntry
            && KernelFiles.Identify(Root, goodKernel, goodEntry.Path, out _).Sha256 == identity.Sha256)
        {
            notes.Add($"kernel {identity} not quarantined: known-good '{good}' boots the same build, so the trial's command line or the machine failed, not the kernel");
            return;
        }

        var entry = new QuarantineEntry
        {
            Release = identity.Release,
            Sha256 = identity.Sha256,
            Kernel = kernel,
            Entry = trial.Path,
            Title = trial.Title,
            Reason = reason,
            BootId = bootId,
            Time = _time.GetUtcNow(),
            Message = message,
        };
        int before = problems.Count;
        Secondary(problems, $"recording kernel {identity} in the quarantine list {Quarantine.Path}", () => Quarantine.Update(list => list.Add(entry)));
        if (problems.Count == before)
        {
            notes.Add($"kernel {identity} is quarantined ({reason}){(unreadable is null ? "" : $"; its file could not be read ({unreadable}), so any build of release {identity.Release} is refused")}: 'appliance upgrade stage' refuses it without --force");
        }
    }

    /// <summary><see cref="RecordFailure"/> for a decision of the validator or the deadline, when that decision quarantines (<see cref="QuarantineReasons"/>).</summary>
    private void RecordIfFailed(TrialState state, BootKind kind, ValidationOutcome outcome, string bootId, string message, List<string> notes, List<string> problems)
    {
        if (QuarantineReasons.For(kind, outcome) is { } reason)
        {
            RecordFailure(state, reason, bootId, message, notes, problems);
        }
    }

    /// <summary>
    /// After a commit (a quarantined build staged with --force that proved healthy): the build is
    /// known-good now, so it leaves the list. Secondary, like recording; nothing is written when
    /// the build is not on the list.
    /// </summary>
    private void ReleaseCommitted(TrialState state, List<string> notes, List<string> problems)
    {
        if (state.Trial is not { } trialPath || MenuOrNull()?.Resolve(trialPath) is not { Kernel: { } kernel } trial || kernel.Contains('$'))
        {
            return;
        }

        var identity = KernelFiles.Identify(Root, kernel, trial.Path, out _);
        if (identity.Sha256 is null)
        {
            return;
        }

        Secondary(problems, $"taking kernel {identity} off the quarantine list {Quarantine.Path}", () =>
        {
            if (Quarantine.Read().Find(identity).Quarantined is null)
            {
                return;
            }

            Quarantine.Update(list => list.Remove(identity).Left);
            notes.Add($"kernel {identity} was quarantined and has now been committed: it is off the quarantine list");
        });
    }

    private static string MarkedBad => ApplianceMetrics.Reasons.MarkedBad;
}
