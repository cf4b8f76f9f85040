namespace Appliance.Linux.Files;

/// <summary>Why a state file (grubenv, config, journal) could not be used; the CLI picks an exit code from it.</summary>
public enum FileProblemKind
{
    Missing,
    NotARegularFile,
    Corrupt,
    InvalidChange,
    NoSpace,
    PermissionDenied,
    ReadOnlyFilesystem,
    Busy,
    IoError,
    /// <summary>The machine's set-up cannot support the operation (e.g. grubenv on btrfs).</summary>
    Unsupported,
}

/// <summary>A problem with one file, with the path in the message so the operator knows where to look.</summary>
public sealed class FileProblemException : Exception
{
    public FileProblemException(FileProblemKind kind, string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Kind = kind;
        Path = path;
    }

    public FileProblemKind Kind { get; }

    public string Path { get; }
}
