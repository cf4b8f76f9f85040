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

/// <summary>
/// The one translation of the runtime's and libc's file errors into <see cref="FileProblemException"/>:
/// read-only filesystem, permission denied, missing, or an I/O error, each naming the file.
/// </summary>
public static class FileProblems
{
    public const string ReadOnlyAdvice = "the filesystem is read-only; remount it read-write (mount -o remount,rw) and try again";

    /// <summary>True for the exceptions <see cref="From"/> translates (a <see cref="FileProblemException"/> is passed through as it is).</summary>
    public static bool Translates(Exception e) => e is IOException or UnauthorizedAccessException or FileProblemException;

    /// <param name="path">The file the caller was working on; a read-only or permission error names the file the call failed on.</param>
    /// <param name="permissionAdvice">What to do about a permission error.</param>
    /// <param name="what">What was being done, prefixed to the message of an I/O error ("cannot set panic to 1").</param>
    public static FileProblemException From(Exception e, string path, string permissionAdvice = "run as root", string? what = null)
    {
        string prefix = what is null ? "" : $"{what}: ";
        return e switch
        {
            FileProblemException problem => problem,
            Native.SystemError { Errno: Errno.EROFS } s => new(FileProblemKind.ReadOnlyFilesystem, s.Path, ReadOnlyAdvice, e),
            Native.SystemError { Errno: Errno.EACCES or Errno.EPERM } s => new(FileProblemKind.PermissionDenied, s.Path, $"{prefix}{s.Call}: permission denied; {permissionAdvice}", e),
            Native.SystemError { Errno: Errno.ENOENT } s => new(FileProblemKind.Missing, path, $"{prefix}{s.Call}: no such file or directory", e),
            UnauthorizedAccessException => new(FileProblemKind.PermissionDenied, path, $"{prefix}permission denied ({e.Message}); {permissionAdvice}", e),
            FileNotFoundException or DirectoryNotFoundException => new(FileProblemKind.Missing, path, $"{prefix}{e.Message}", e),
            IOException when e.HResult == Errno.EROFS || e.Message.Contains("Read-only file system", StringComparison.Ordinal) => new(FileProblemKind.ReadOnlyFilesystem, path, ReadOnlyAdvice, e),
            _ => new(FileProblemKind.IoError, path, $"{prefix}{e.Message}", e),
        };
    }
}
