using System.Text.Json;
using Appliance.Core.Json;
using Appliance.Core.Quarantine;
using Appliance.Linux.Files;

namespace Appliance.Linux.Journal;

/// <summary>
/// The quarantined kernels (<see cref="StatePaths.Quarantine"/>): one JSON file, replaced
/// atomically and durably under the lock of the directory it is in, as the boot journal is.
/// No file is an empty list; a damaged one is an error naming it, never an empty list, which
/// would let a failed kernel be staged again.
/// </summary>
public sealed class QuarantineStore
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    // Another writer holds the lock only to read, change and replace this one small file.
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    private readonly DurableFile _writer;

    /// <param name="path">The file (<see cref="StatePaths.Quarantine"/> under the root).</param>
    public QuarantineStore(string path, IFileSteps steps)
    {
        Path = path;
        _writer = new DurableFile(steps);
    }

    public string Path { get; }

    public QuarantineList Read() =>
        StateJsonFile.Read(Path, ApplianceJsonContext.Default.QuarantineList, "Appliance's quarantine list",
            "restore it from a backup, or remove it to forget every quarantined kernel", l => l.Problem())
        ?? QuarantineList.Empty;

    /// <summary>Reads, changes and replaces the list under the directory's lock, so two recorders never lose each other's entry; returns the list written.</summary>
    public QuarantineList Update(Func<QuarantineList, QuarantineList> change)
    {
        string directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        using (Lock(directory))
        {
            var changed = change(Read());
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(changed, ApplianceJsonContext.Default.QuarantineList);
            _writer.Replace(Path, [.. json, (byte)'\n'], FileMode);
            return changed;
        }
    }

    private static DirectoryLock Lock(string directory)
    {
        try
        {
            return DirectoryLock.Acquire(directory, LockTimeout, TimeProvider.System);
        }
        catch (TimeoutException e)
        {
            throw new FileProblemException(FileProblemKind.Busy, directory, e.Message, e);
        }
    }
}
