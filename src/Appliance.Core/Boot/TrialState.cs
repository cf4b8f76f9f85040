using Appliance.Core.Grubenv;

namespace Appliance.Core.Boot;

/// <summary>The trial-boot variables as read from grubenv; empty values read as null.</summary>
public sealed record TrialState(string? Trial, int? Tries, string? Good, string? Boot, string? Failed, string? SavedEntry)
{
    public static TrialState Empty { get; } = new(null, null, null, null, null, null);

    public bool HasTrial => Trial is not null;

    public static TrialState From(GrubEnvBlock block) => new(
        NullIfEmpty(block.Get(TrialVariables.Trial)),
        ParseDigit(block.Get(TrialVariables.Tries)),
        NullIfEmpty(block.Get(TrialVariables.Good)),
        NullIfEmpty(block.Get(TrialVariables.Boot)),
        NullIfEmpty(block.Get(TrialVariables.Failed)),
        NullIfEmpty(block.Get(TrialVariables.SavedEntry)));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static int? ParseDigit(string? value) =>
        value is { Length: 1 } && value[0] is >= '0' and <= '9' ? value[0] - '0' : null;
}
