namespace Appliance.Core.Grubenv;

/// <summary>What went wrong with a GRUB environment block; the CLI maps each kind to an exit code.</summary>
public enum GrubEnvErrorKind
{
    /// <summary>The bytes are not a well-formed environment block.</summary>
    Corrupt,
    /// <summary>A variable name GRUB could not store or read back.</summary>
    InvalidName,
    /// <summary>A value GRUB could not store (it holds a NUL byte).</summary>
    InvalidValue,
    /// <summary>The change does not fit in the block.</summary>
    NoSpace,
}

/// <summary>
/// A problem with an environment block or an operation on it. <see cref="Offset"/> is the byte
/// offset in the block where the problem was found, when there is one.
/// </summary>
public sealed class GrubEnvException : Exception
{
    public GrubEnvException(GrubEnvErrorKind kind, string message, int? offset = null, int bytesOver = 0)
        : base(message)
    {
        Kind = kind;
        Offset = offset;
        BytesOver = bytesOver;
    }

    public GrubEnvErrorKind Kind { get; }

    public int? Offset { get; }

    /// <summary>For <see cref="GrubEnvErrorKind.NoSpace"/>: how many bytes the change is over.</summary>
    public int BytesOver { get; }
}
