using Appliance.Linux.Files;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Files;

/// <summary>
/// What DurableFile relies on from every <see cref="IFileSteps"/>: the real steps and the fault
/// injectors the crash tests use (when they are not injecting) behave alike, so a crash test
/// exercises the same sequence the shipped code runs.
/// </summary>
public abstract class FileStepsContract : IDisposable
{
    private readonly TempDir _dir = new();

    protected abstract IFileSteps Steps { get; }

    public void Dispose()
    {
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void CreateExclusive_NewFile_HasExactlyTheModeDespiteTheUmask()
    {
        string path = _dir.File("new");

        using (Steps.CreateExclusive(path, (UnixFileMode)0b110_100_000))
        {
        }

        Assert.Equal((UnixFileMode)0b110_100_000, File.GetUnixFileMode(path));
    }

    [Fact]
    public void CreateExclusive_ExistingFile_ThrowsAndLeavesItAlone()
    {
        string path = _dir.Write("old", "kept");

        Assert.ThrowsAny<IOException>(() => Steps.CreateExclusive(path, (UnixFileMode)0b110_100_100).Dispose());
        Assert.Equal("kept", File.ReadAllText(path));
    }

    [Fact]
    public void WriteFsyncRename_ReplacesTheTargetWhole()
    {
        string target = _dir.Write("grubenv", "old");
        string temporary = _dir.File("grubenv.new");

        using (var file = Steps.CreateExclusive(temporary, (UnixFileMode)0b110_100_100))
        {
            Steps.Write(file, "new contents"u8, 0);
            Steps.Fsync(file, temporary);
        }

        Steps.Rename(temporary, target);
        Steps.FsyncDirectory(_dir.Path);
        Steps.CheckpointFilesystem(_dir.Path);

        Assert.Equal("new contents", File.ReadAllText(target));
        Assert.False(File.Exists(temporary));
    }

    [Fact]
    public void Link_SecondName_SameContents()
    {
        string first = _dir.Write("a", "x");

        Steps.Link(first, _dir.File("b"));

        Assert.Equal("x", File.ReadAllText(_dir.File("b")));
    }

    [Fact]
    public void Delete_RemovesAndMissingIsNoError()
    {
        string path = _dir.Write("gone", "x");

        Steps.Delete(path);
        Steps.Delete(path);

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Rename_MissingSource_Throws()
    {
        Assert.ThrowsAny<IOException>(() => Steps.Rename(_dir.File("absent"), _dir.File("target")));
    }
}

public sealed class LinuxFileStepsContractTests : FileStepsContract
{
    protected override IFileSteps Steps => LinuxFileSteps.Instance;
}

public sealed class CrashingFileStepsContractTests : FileStepsContract
{
    protected override IFileSteps Steps { get; } = new CrashingFileSteps(int.MaxValue, afterStep: false);
}

public sealed class FailingFileStepsContractTests : FileStepsContract
{
    protected override IFileSteps Steps { get; } = new FailingFileSteps("no such step", step => new IOException(step));
}
