using Appliance.Core.Collections;

namespace Appliance.Core.Health;

/// <summary>
/// The watchdog daemon's share of the escape-hatch self-test: it looks every
/// <see cref="Interval"/> and reports what changed. Report only, never a gate: a broken escape
/// hatch is a reason to fix it, not to reset a machine that is otherwise healthy (a btrfs /boot
/// would make that a reset loop).
/// </summary>
public static class EscapeHatchWatch
{
    /// <summary>How often the daemon looks again: the findings change with a trial, a kernel install or a grub.cfg rewrite, not from second to second.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    /// <summary>The present findings as the daemon's state lists them: "ID: sentence".</summary>
    public static IReadOnlyList<string> Lines(IReadOnlyList<EscapeHatchFinding> findings) =>
        findings.Filter(f => f.Present).Map(f => $"{f.Id}: {f.Outcome.Output}");

    /// <summary>What to log after a look: findings present now and not before, and the ids of those gone since.</summary>
    public static (IReadOnlyList<EscapeHatchFinding> Appeared, IReadOnlyList<string> Cleared) Changes(IReadOnlyList<string> previousIds, IReadOnlyList<EscapeHatchFinding> now)
    {
        var present = now.Filter(f => f.Present);
        var appeared = present.Filter(f => !previousIds.Exists(id => id == f.Id));
        var cleared = previousIds.Filter(id => !present.Exists(f => f.Id == id));
        return (appeared, cleared);
    }
}
