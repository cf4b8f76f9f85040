using Appliance.Linux.Files;
using Microsoft.Win32.SafeHandles;

namespace Appliance.Tests.Support;

/// <summary>A simulated crash: the process is gone at this point, nothing after it runs.</summary>
public sealed class SimulatedCrashException(string step) : Exception($"simulated crash at {step}")
{
    public string Step { get; } = step;
}

/// <summary>
/// Real file steps that "crash" at the <see cref="CrashAt"/>-th step (counting from 0), either
/// before doing it or right after. Once crashed, every further step throws too, as nothing runs
/// in a dead process: clean-up code cannot tidy up what a real crash would leave behind.
/// With <see cref="TornWriteBytes"/>, a crash at a Write writes only that many bytes first.
/// With <c>onFat</c>, the directory reads as FAT whatever the real filesystem (a query, not a step).
/// </summary>
public sealed class CrashingFileSteps : IFileSteps
{
    private readonly IFileSteps _inner = LinuxFileSteps.Instance;
    private int _step;

    private readonly bool _onFat;

    public CrashingFileSteps(int crashAt, bool afterStep, int? tornWriteBytes = null, bool onFat = false)
    {
        CrashAt = crashAt;
        AfterStep = afterStep;
        TornWriteBytes = tornWriteBytes;
        _onFat = onFat;
    }

    public int CrashAt { get; }

    public bool AfterStep { get; }

    public int? TornWriteBytes { get; }

    /// <summary>Every step asked for, in order, with the crash marked.</summary>
    public List<string> Log { get; } = [];

    public string? CrashedAt { get; private set; }

    public SafeFileHandle CreateExclusive(string path, UnixFileMode mode) =>
        Step(nameof(CreateExclusive), () => _inner.CreateExclusive(path, mode));

    public SafeFileHandle OpenExisting(string path) =>
        Step(nameof(OpenExisting), () => _inner.OpenExisting(path));

    public bool IsOnFat(string directory) => _onFat || _inner.IsOnFat(directory);

    public void Write(SafeFileHandle file, ReadOnlySpan<byte> data, long offset)
    {
        byte[] copy = data.ToArray();
        Step(nameof(Write), () =>
        {
            _inner.Write(file, copy, offset);
            return 0;
        }, torn: () => _inner.Write(file, copy.AsSpan(0, Math.Min(TornWriteBytes ?? 0, copy.Length)), offset));
    }

    public void SetOwner(SafeFileHandle file, string path, uint uid, uint gid) =>
        Step(nameof(SetOwner), () =>
        {
            _inner.SetOwner(file, path, uid, gid);
            return 0;
        });

    public void Fsync(SafeFileHandle file, string path) =>
        Step(nameof(Fsync), () =>
        {
            _inner.Fsync(file, path);
            return 0;
        });

    public void Rename(string from, string to) =>
        Step(nameof(Rename), () =>
        {
            _inner.Rename(from, to);
            return 0;
        });

    public void FsyncDirectory(string directory) =>
        Step(nameof(FsyncDirectory), () =>
        {
            _inner.FsyncDirectory(directory);
            return 0;
        });

    public void Delete(string path) =>
        Step(nameof(Delete), () =>
        {
            _inner.Delete(path);
            return 0;
        });

    public void Link(string existing, string newPath) =>
        Step(nameof(Link), () =>
        {
            _inner.Link(existing, newPath);
            return 0;
        });

    public void CheckpointFilesystem(string directory) =>
        Step(nameof(CheckpointFilesystem), () =>
        {
            _inner.CheckpointFilesystem(directory);
            return 0;
        });

    private T Step<T>(string name, Func<T> action, Action? torn = null)
    {
        if (CrashedAt is not null)
        {
            Log.Add($"{name} (after the crash)");
            throw new SimulatedCrashException($"{name}, after the crash at {CrashedAt}");
        }

        int index = _step++;
        if (index != CrashAt)
        {
            Log.Add(name);
            return action();
        }

        if (TornWriteBytes is not null && torn is not null)
        {
            torn();
            CrashedAt = $"{name} #{index} (torn after {TornWriteBytes} bytes)";
        }
        else if (AfterStep)
        {
            T result = action();
            CrashedAt = $"after {name} #{index}";
            if (result is IDisposable handle)
            {
                // The kernel closes a dead process's files; the handle must not leak into the next attempt.
                handle.Dispose();
            }
        }
        else
        {
            CrashedAt = $"before {name} #{index}";
        }

        Log.Add($"{name} CRASH");
        throw new SimulatedCrashException(CrashedAt);
    }
}

/// <summary>Real file steps where one named step fails with an I/O error, as a failing disk would.</summary>
public sealed class FailingFileSteps(string failingStep, Func<string, Exception> error, bool onFat = false) : IFileSteps
{
    private readonly IFileSteps _inner = LinuxFileSteps.Instance;

    public List<string> Log { get; } = [];

    public SafeFileHandle OpenExisting(string path)
    {
        Check(nameof(OpenExisting), path);
        return _inner.OpenExisting(path);
    }

    public bool IsOnFat(string directory) => onFat || _inner.IsOnFat(directory);

    public SafeFileHandle CreateExclusive(string path, UnixFileMode mode)
    {
        Check(nameof(CreateExclusive), path);
        return _inner.CreateExclusive(path, mode);
    }

    public void Write(SafeFileHandle file, ReadOnlySpan<byte> data, long offset)
    {
        Check(nameof(Write), "(file)");
        _inner.Write(file, data, offset);
    }

    public void SetOwner(SafeFileHandle file, string path, uint uid, uint gid)
    {
        Check(nameof(SetOwner), path);
        _inner.SetOwner(file, path, uid, gid);
    }

    public void Fsync(SafeFileHandle file, string path)
    {
        Check(nameof(Fsync), path);
        _inner.Fsync(file, path);
    }

    public void Rename(string from, string to)
    {
        Check(nameof(Rename), to);
        _inner.Rename(from, to);
    }

    public void FsyncDirectory(string directory)
    {
        Check(nameof(FsyncDirectory), directory);
        _inner.FsyncDirectory(directory);
    }

    public void Delete(string path)
    {
        Check(nameof(Delete), path);
        _inner.Delete(path);
    }

    public void Link(string existing, string newPath)
    {
        Check(nameof(Link), newPath);
        _inner.Link(existing, newPath);
    }

    public void CheckpointFilesystem(string directory)
    {
        Check(nameof(CheckpointFilesystem), directory);
        _inner.CheckpointFilesystem(directory);
    }

    private void Check(string step, string path)
    {
        Log.Add(step);
        if (step == failingStep)
        {
            throw error(path);
        }
    }
}
