using Appliance.Linux.Config;
using Appliance.Core.Grubenv;
using Appliance.Linux.Files;
using Appliance.Linux.Native;

namespace Appliance.Linux.Grubenv;

/// <summary>
/// A grubenv file on disk: read and checked whole, changed under a directory lock, and
/// replaced atomically and durably. On any error the file is left as it was.
/// </summary>
public sealed class GrubEnvFile
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    // grub-editenv creates the block with the process umask applied to 0666; 0644 is what
    // it yields under the usual umask 022.
    private const UnixFileMode NewFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly DurableFile _writer;
    private readonly TimeProvider _time;

    public GrubEnvFile(string path, IFileSteps steps, TimeProvider time)
    {
        Path = path;
        _writer = new DurableFile(steps);
        _time = time;
    }

    public string Path { get; }

    /// <summary>
    /// The default location under <paramref name="root"/>: <c>boot/grub/grubenv</c>, or
    /// <c>boot/grub2/grubenv</c> on distributions that use that directory: when only that file
    /// exists, or (for <c>env create</c>) only that directory. boot/grub wins when both files exist.
    /// </summary>
    public static string DefaultPath(string root) => RootedPath.Resolve(root, GrubDirectory(root) + "/grubenv");

    /// <summary>GRUB's directory under <paramref name="root"/> as the system names it (<c>/boot/grub</c> or <c>/boot/grub2</c>), chosen as <see cref="DefaultPath"/> says.</summary>
    public static string GrubDirectory(string root)
    {
        const string Grub = "/boot/grub", Grub2 = "/boot/grub2";
        bool grubEnv = File.Exists(RootedPath.Resolve(root, Grub + "/grubenv"));
        bool grub2Env = File.Exists(RootedPath.Resolve(root, Grub2 + "/grubenv"));
        bool onlyGrub2Directory = !Directory.Exists(RootedPath.Resolve(root, Grub)) && Directory.Exists(RootedPath.Resolve(root, Grub2));
        return !grubEnv && (grub2Env || onlyGrub2Directory) ? Grub2 : Grub;
    }

    public GrubEnvBlock Read() => Guard(ReadUnlocked);

    /// <summary>Applies <paramref name="change"/> to a copy of the block and writes the result, all under the lock. Writes nothing when the bytes did not change.</summary>
    public GrubEnvBlock Update(Action<GrubEnvBlock> change) => Guard(() =>
    {
        using var held = Lock();
        GrubEnvBlock current = ReadUnlocked();
        GrubEnvBlock next = current.Clone();
        try
        {
            change(next);
        }
        catch (GrubEnvException e)
        {
            throw Wrap(e);
        }

        if (!next.Bytes.SequenceEqual(current.Bytes))
        {
            _writer.Replace(Path, next.Bytes, NewFileMode, readByBootloader: true, current: current.Bytes.ToArray());
        }

        return next;
    });

    /// <summary>Writes a new empty block, as <c>grub-editenv create</c> does. Refuses to replace an existing valid block unless <paramref name="force"/>.</summary>
    public GrubEnvBlock Create(bool force) => Guard(() =>
    {
        using var held = Lock();
        if (!force && FileStatus.Of(Path) is not null)
        {
            throw new FileProblemException(FileProblemKind.InvalidChange, Path, "already exists; use --force to replace it with an empty block");
        }

        GrubEnvBlock block = GrubEnvBlock.Create();
        _writer.Replace(Path, block.Bytes, NewFileMode, readByBootloader: true);
        return block;
    });

    private DirectoryLock Lock()
    {
        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) ?? "/";
        if (!Directory.Exists(directory))
        {
            throw new FileProblemException(FileProblemKind.Missing, Path, $"directory {directory} does not exist");
        }

        try
        {
            return DirectoryLock.Acquire(directory, LockTimeout, _time);
        }
        catch (TimeoutException e)
        {
            throw new FileProblemException(FileProblemKind.Busy, Path, e.Message, e);
        }
    }

    private GrubEnvBlock ReadUnlocked()
    {
        FileStatus status = FileStatus.Of(Path)
            ?? throw new FileProblemException(FileProblemKind.Missing, Path, "no such file; create one with 'appliance env create'");
        if (!status.IsRegularFile)
        {
            // Most often a wrong --file (/dev/null, a directory), not a damaged block: say so
            // rather than advise removing what may be a device.
            throw new FileProblemException(FileProblemKind.NotARegularFile, Path, $"is {status.Kind}, not a GRUB environment block; give the path of a grubenv file (GRUB's is /boot/grub/grubenv or /boot/grub2/grubenv)");
        }

        if (status.Size != GrubEnvBlock.DefaultSize)
        {
            throw new FileProblemException(
                FileProblemKind.Corrupt,
                Path,
                $"is {status.Size} bytes, but a GRUB environment block is {GrubEnvBlock.DefaultSize} bytes; recreate it with 'appliance env create --force' (its variables are lost)");
        }

        byte[] bytes = new byte[GrubEnvBlock.DefaultSize + 1];
        int read;
        using (var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read))
        {
            read = ReadFully(handle, bytes);
        }

        if (read != GrubEnvBlock.DefaultSize)
        {
            throw new FileProblemException(FileProblemKind.Corrupt, Path, $"changed size while being read ({read} bytes); try again");
        }

        try
        {
            return GrubEnvBlock.Parse(bytes.AsSpan(0, read));
        }
        catch (GrubEnvException e)
        {
            throw Wrap(e);
        }
    }

    private static int ReadFully(Microsoft.Win32.SafeHandles.SafeFileHandle handle, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer.AsSpan(total), total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private FileProblemException Wrap(GrubEnvException e)
    {
        FileProblemKind kind = e.Kind switch
        {
            GrubEnvErrorKind.Corrupt => FileProblemKind.Corrupt,
            GrubEnvErrorKind.NoSpace => FileProblemKind.NoSpace,
            _ => FileProblemKind.InvalidChange,
        };
        return new FileProblemException(kind, Path, e.Message, e);
    }

    /// <summary>Turns the runtime's and libc's errors into <see cref="FileProblemException"/>s that name this file.</summary>
    private T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (FileProblems.Translates(e))
        {
            throw FileProblems.From(e, Path);
        }
    }
}
