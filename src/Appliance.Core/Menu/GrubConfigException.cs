namespace Appliance.Core.Menu;

/// <summary>
/// A grub.cfg that GRUB's script parser would reject. GRUB drops the statement that fails to
/// parse and, when the error is inside a block or an <c>if</c>, everything up to the end of the
/// file with it, so a menu read past such an error would not be the menu GRUB shows.
/// <see cref="Line"/> is the 1-based line where the problem was found.
/// </summary>
public sealed class GrubConfigException : Exception
{
    public GrubConfigException(int line, string problem)
        : base($"line {line}: {problem}")
    {
        Line = line;
        Problem = problem;
    }

    /// <summary>For a problem at one byte (a NUL), its 0-based offset in the file.</summary>
    public GrubConfigException(int line, int byteOffset, string problem)
        : base($"line {line}, byte {byteOffset}: {problem}")
    {
        Line = line;
        ByteOffset = byteOffset;
        Problem = problem;
    }

    public int Line { get; }

    /// <summary>The 0-based byte offset of the problem in the file, when it is at one byte; else null.</summary>
    public int? ByteOffset { get; }

    public string Problem { get; }
}
