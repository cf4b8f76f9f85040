namespace Appliance.Vm;

/// <summary>One line of the guest serial console.</summary>
/// <param name="Elapsed">Time since the board first started.</param>
/// <param name="Boot">1-based boot number the line belongs to (0 before the first firmware banner).</param>
/// <param name="Text">The line with terminal escape sequences removed.</param>
public sealed record SerialLine(TimeSpan Elapsed, int Boot, string Text)
{
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{Elapsed.TotalSeconds,7:F2}s b{Boot}] {Text}");
}
