namespace Appliance.Vm;

/// <summary>
/// A board run did not behave as expected. The message carries the tail of
/// the serial console, because that is the only view into the guest.
/// </summary>
public sealed class BoardException : Exception
{
    public BoardException(string message)
        : base(message)
    {
    }

    public BoardException(string message, IEnumerable<SerialLine> tail)
        : base(Format(message, tail))
    {
    }

    private static string Format(string message, IEnumerable<SerialLine> tail)
    {
        var lines = tail.Select(l => l.ToString()).ToList();
        return lines.Count == 0
            ? message + Environment.NewLine + "(no serial output)"
            : message + Environment.NewLine + $"--- last {lines.Count} serial lines ---"
                + Environment.NewLine + string.Join(Environment.NewLine, lines);
    }
}
