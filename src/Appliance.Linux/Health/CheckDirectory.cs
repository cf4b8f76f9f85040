using Appliance.Core.Collections;
using Appliance.Core.Health;
using Appliance.Linux.Config;
using Appliance.Linux.Native;

namespace Appliance.Linux.Health;

/// <summary>
/// greenboot's layout: <c>required.d/</c> (a failure fails the boot) and <c>wanted.d/</c>
/// (a failure is a warning) under the checks directory, each holding programs run in name
/// order. Anything that cannot be trusted or run becomes a <see cref="RefusedCheck"/>, so it
/// shows up in the report instead of being skipped: a missing required check must not pass.
/// </summary>
public static class CheckDirectory
{
    public const string RequiredDirectory = "required.d";
    public const string WantedDirectory = "wanted.d";

    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    // systemd's hidden_or_backup_file() (src/basic/fs-util): what package managers and editors leave behind.
    private static readonly string[] BackupSuffixes =
    [
        "~", ".rpmnew", ".rpmsave", ".rpmorig", ".dpkg-old", ".dpkg-new", ".dpkg-tmp", ".dpkg-dist", ".dpkg-bak",
        ".dpkg-backup", ".dpkg-remove", ".ucf-new", ".ucf-old", ".ucf-dist", ".swp", ".bak", ".old", ".new",
    ];

    /// <summary>Whether a directory entry is an editor's or package manager's leftover, never a check or config file.</summary>
    public static bool IsHiddenOrBackup(string name) =>
        name.StartsWith('.') || Array.Exists(BackupSuffixes, s => name.EndsWith(s, StringComparison.Ordinal));

    /// <param name="directory">The checks directory as configured (absolute, resolved under <paramref name="root"/>).</param>
    public static IReadOnlyList<IHealthCheck> Discover(string root, string directory)
    {
        string checksDir = RootedPath.Resolve(root, directory);
        if (FileStatus.Of(checksDir) is not { } status)
        {
            return [];
        }

        if (!status.IsDirectory)
        {
            return [new RefusedCheck(System.IO.Path.GetFileName(checksDir), CheckKind.Required, true, $"{checksDir}: not a directory")];
        }

        if (FileTrust.DirectoryChainProblem(root, checksDir, "check directory") is { } chain)
        {
            return [new RefusedCheck(System.IO.Path.GetFileName(checksDir), CheckKind.Required, true, $"{chain.Path}: {chain.Problem}")];
        }

        return
        [
            .. Programs(Path.Join(checksDir, RequiredDirectory), CheckKind.Required),
            .. Programs(Path.Join(checksDir, WantedDirectory), CheckKind.Wanted),
        ];
    }

    private static IEnumerable<IHealthCheck> Programs(string dir, CheckKind kind)
    {
        bool required = kind == CheckKind.Required;
        string dirName = System.IO.Path.GetFileName(dir);
        if (FileStatus.Of(dir) is not { } status)
        {
            yield break;
        }

        if (!status.IsDirectory)
        {
            yield return new RefusedCheck(dirName, kind, required, $"{dir}: not a directory");
            yield break;
        }

        if (FileTrust.Problem(dir, status, "check directory") is { } dirProblem)
        {
            yield return new RefusedCheck(dirName, kind, required, $"{dir}: {dirProblem}");
            yield break;
        }

        foreach (string path in Directory.EnumerateFileSystemEntries(dir).SortedOrdinal())
        {
            string name = System.IO.Path.GetFileName(path);
            if (IsHiddenOrBackup(name))
            {
                continue;
            }

            FileStatus? file = FileStatus.Of(path);
            if (file is { IsDirectory: true })
            {
                continue;
            }

            string? problem = file switch
            {
                null => "a dangling symbolic link",
                { IsRegularFile: false } => "not a regular file",
                { } f when FileTrust.Problem(path, f, "check") is { } p => p,
                { } f when (f.Mode & AnyExecute) == 0 => $"not executable; fix with: chmod +x {path}, or remove it",
                _ => null,
            };
            yield return problem is null ? new ExecutableCheck(path, kind) : new RefusedCheck(name, kind, required, $"{path}: {problem}");
        }
    }
}
