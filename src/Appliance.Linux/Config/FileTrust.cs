using Appliance.Linux.Health;
using Appliance.Linux.Native;

namespace Appliance.Linux.Config;

/// <summary>
/// Whether a configuration file, a check or a directory holding them may be trusted: anybody
/// who can write it can make Appliance run their code as root, or quietly turn a check off.
/// Group- or world-writable is refused, and when we run as root so is an owner other than root
/// (the rule sshd's StrictModes and sudo apply to their own files).
/// </summary>
public static class FileTrust
{
    private const UnixFileMode Writable = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    public static bool RunningAsRoot => HealthNative.geteuid() == 0;

    /// <summary>Why <paramref name="path"/> is not trusted, with the command that fixes it (the message does not start with the path); null when it is trusted.</summary>
    /// <param name="what">What the path is, for the message: "config file", "check", "check directory".</param>
    public static string? Problem(string path, FileStatus status, string what)
    {
        if ((status.Mode & Writable) != 0)
        {
            string mode = Convert.ToString((int)status.Mode, 8).PadLeft(4, '0');
            return $"refusing {what} that is group- or world-writable (mode {mode}); fix with: chmod go-w {path}";
        }

        if (RunningAsRoot && status.Uid != 0)
        {
            return $"refusing {what} owned by uid {status.Uid}, not root; fix with: chown root: {path}";
        }

        return null;
    }

    /// <summary>
    /// The first untrusted directory from just below <paramref name="root"/> down to
    /// <paramref name="directory"/> (a rooted path): a writable parent lets anybody swap the
    /// directory itself. The root is the caller's choice and not checked.
    /// </summary>
    public static (string Path, string Problem)? DirectoryChainProblem(string root, string directory, string what)
    {
        string current = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        string relative = Path.GetRelativePath(current, Path.GetFullPath(directory));
        foreach (string part in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            current = Path.Join(current, part);
            if (FileStatus.Of(current) is not { IsDirectory: true } status)
            {
                return null;
            }

            if (Problem(current, status, what) is { } problem)
            {
                return (current, problem);
            }
        }

        return null;
    }
}
