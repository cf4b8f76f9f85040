namespace Appliance.Core.Boot;

public enum TrialErrorKind
{
    /// <summary>The request cannot be met as asked (bad tries, trial equals known-good).</summary>
    Invalid,
    /// <summary>The current state forbids it (another trial staged, trial not running).</summary>
    Conflict,
    /// <summary>The kernel failed a trial before and is quarantined; staging it again needs --force.</summary>
    Quarantined,
}

/// <summary>A refused trial operation; nothing was changed.</summary>
public sealed class TrialException(TrialErrorKind kind, string message) : Exception(message)
{
    public TrialErrorKind Kind { get; } = kind;
}
