using Appliance.Linux.Files;
using Appliance.Linux.Native;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Files;

public sealed class DurableFileTests
{
    private static readonly UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void Replace_ExistingFile_NewContentsNewInodeSameModeAndOwner()
    {
        using var dir = new TempDir();
        string path = dir.File("state");
        File.WriteAllBytes(path, "old"u8.ToArray());
        File.SetUnixFileMode(path, Mode0600);
        Assert.Equal(0, ProcessRunner.Run("/bin/chown", "1234:4321", path).ExitCode);
        long inode = Inode(path);

        new DurableFile(LinuxFileSteps.Instance).Replace(path, "new"u8, UnixFileMode.OtherWrite);

        Assert.Equal("new"u8.ToArray(), File.ReadAllBytes(path));
        Assert.NotEqual(inode, Inode(path));
        FileStatus status = FileStatus.Of(path)!.Value;
        Assert.Equal((Mode0600, 1234u, 4321u), (status.Mode, status.Uid, status.Gid));
    }

    [Fact]
    public void Replace_ReadByBootloader_OldInodeKeptAsPreviousGenerationUntilTheNextWrite()
    {
        using var dir = new TempDir();
        string path = dir.Write("grubenv", "one");
        long first = Inode(path);
        var file = new DurableFile(LinuxFileSteps.Instance);

        file.Replace(path, "two"u8, Mode0600, readByBootloader: true);
        long second = Inode(path);
        file.Replace(path, "three"u8, Mode0600, readByBootloader: true);

        string previous = DurableFile.PreviousPathFor(path);
        Assert.Equal("three", File.ReadAllText(path));
        Assert.Equal("two", File.ReadAllText(previous));
        Assert.Equal(second, Inode(previous));
        Assert.NotEqual(first, Inode(previous));
        Assert.Equal(["grubenv", ".grubenv.appliance-prev"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).OrderDescending());
    }

    [Theory]
    [InlineData(Appliance.Core.Errno.EPERM)]
    [InlineData(Appliance.Core.Errno.EOPNOTSUPP)]
    public void Replace_ReadByBootloaderLinkUnsupportedLikeVfat_WritesNewContentsWithoutSecondName(int errno)
    {
        using var dir = new TempDir();
        string path = dir.Write("grubenv", "one");
        File.WriteAllText(DurableFile.PreviousPathFor(path), "stale");
        var steps = new FailingFileSteps("Link", p => new SystemError("link", p, errno));

        new DurableFile(steps).Replace(path, "two"u8, Mode0600, readByBootloader: true);

        Assert.Equal("two", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
        Assert.Equal(["CreateExclusive", "Write", "SetOwner", "Fsync", "Delete", "Link", "Rename", "FsyncDirectory", "CheckpointFilesystem"], steps.Log);
    }

    [Theory]
    [InlineData(Appliance.Core.Errno.EACCES)]
    [InlineData(Appliance.Core.Errno.ENOSPC)]
    [InlineData(Appliance.Core.Errno.EROFS)]
    public void Replace_ReadByBootloaderLinkFailsOtherwise_ThrowsAndLeavesOldContents(int errno)
    {
        using var dir = new TempDir();
        string path = dir.Write("grubenv", "one");
        var steps = new FailingFileSteps("Link", p => new SystemError("link", p, errno));

        var error = Assert.Throws<SystemError>(() => new DurableFile(steps).Replace(path, "two"u8, Mode0600, readByBootloader: true));

        Assert.Equal(errno, error.Errno);
        Assert.Equal("one", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
        Assert.DoesNotContain("Rename", steps.Log);
    }

    [Fact]
    public void Replace_NotReadByBootloader_KeepsNoPreviousGeneration()
    {
        using var dir = new TempDir();
        string path = dir.Write("record.json", "one");

        new DurableFile(LinuxFileSteps.Instance).Replace(path, "two"u8, Mode0600);

        Assert.False(File.Exists(DurableFile.PreviousPathFor(path)));
    }

    [Fact]
    public void Replace_Symlink_WritesTheTargetAndKeepsTheLink()
    {
        using var dir = new TempDir();
        string target = dir.Write("efi/EFI/fedora/grubenv", "old");
        string link = dir.File("grub2-grubenv");
        File.CreateSymbolicLink(link, "efi/EFI/fedora/grubenv");

        new DurableFile(LinuxFileSteps.Instance).Replace(link, "new"u8, Mode0600);

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("new", File.ReadAllText(target));
        Assert.Empty(Directory.GetFiles(dir.Path, ".*appliance-new", SearchOption.AllDirectories));
    }

    [Fact]
    public void Replace_NewFile_GetsFallbackModeExactlyWhateverTheUmask()
    {
        using var dir = new TempDir();
        string path = dir.File("state");
        // 0666 is what the usual umask 022 would cut to 0644: the mode must be set, not requested.
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

        new DurableFile(LinuxFileSteps.Instance).Replace(path, "x"u8, mode);

        Assert.Equal(mode, FileStatus.Of(path)!.Value.Mode);
    }

    [Fact]
    public void Replace_LeftoverTemporaryFromACrash_DeletedFirstAndNotLeftBehind()
    {
        using var dir = new TempDir();
        string path = dir.File("state");
        File.WriteAllBytes(path, "old"u8.ToArray());
        File.WriteAllBytes(DurableFile.TemporaryPathFor(path), "half-written junk"u8.ToArray());
        var steps = new CrashingFileSteps(crashAt: int.MaxValue, afterStep: false);

        new DurableFile(steps).Replace(path, "new"u8, Mode0600);

        Assert.Equal(["Delete", "CreateExclusive", "Write", "SetOwner", "Fsync", "Rename", "FsyncDirectory"], steps.Log);
        Assert.Equal("new"u8.ToArray(), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void TemporaryPathFor_File_HiddenSiblingInSameDirectory()
    {
        Assert.Equal("/boot/grub/.grubenv.appliance-new", DurableFile.TemporaryPathFor("/boot/grub/grubenv"));
    }

    [Fact]
    public void Replace_ReadByBootloaderOnFatOneSectorChanged_WritesThatSectorInPlace()
    {
        using var dir = new TempDir();
        byte[] old = Block('#');
        byte[] next = (byte[])old.Clone();
        next[600] = (byte)'x';
        string path = dir.File("grubenv");
        File.WriteAllBytes(path, old);
        long inode = Inode(path);
        var steps = new CrashingFileSteps(int.MaxValue, afterStep: false, onFat: true);

        new DurableFile(steps).Replace(path, next, Mode0600, readByBootloader: true);

        Assert.Equal(next, File.ReadAllBytes(path));
        Assert.Equal(inode, Inode(path));
        Assert.Equal(["OpenExisting", "Write", "Fsync"], steps.Log);
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Replace_ReadByBootloaderOnFatCurrentGiven_PlansOnTheGivenBytesWithoutReadingTheFile()
    {
        using var dir = new TempDir();
        byte[] current = Block('#');
        byte[] next = (byte[])current.Clone();
        next[600] = (byte)'x';
        byte[] onDisk = (byte[])current.Clone();
        onDisk[0] = (byte)'d';
        string path = dir.File("grubenv");
        File.WriteAllBytes(path, onDisk);
        var steps = new CrashingFileSteps(int.MaxValue, afterStep: false, onFat: true);

        new DurableFile(steps).Replace(path, next, Mode0600, readByBootloader: true, current: current);

        // Planned on the file it would have been two sectors and a rename; on the given bytes it is sector 1 in place.
        Assert.Equal(["OpenExisting", "Write", "Fsync"], steps.Log);
        byte[] written = File.ReadAllBytes(path);
        Assert.Equal((byte)'d', written[0]);
        Assert.Equal((byte)'x', written[600]);
    }

    [Fact]
    public void Replace_ReadByBootloaderOnFatNothingChanged_WritesNothing()
    {
        using var dir = new TempDir();
        string path = dir.File("grubenv");
        File.WriteAllBytes(path, Block('#'));
        var steps = new CrashingFileSteps(int.MaxValue, afterStep: false, onFat: true);

        new DurableFile(steps).Replace(path, Block('#'), Mode0600, readByBootloader: true);

        Assert.Empty(steps.Log);
    }

    [Fact]
    public void Replace_ReadByBootloaderOnFatTwoSectorsChanged_ReplacesByRename()
    {
        using var dir = new TempDir();
        string path = dir.File("grubenv");
        File.WriteAllBytes(path, Block('#'));
        byte[] next = Block('#');
        next[0] = (byte)'x';
        next[1023] = (byte)'x';
        var steps = new FailingFileSteps("none", p => new IOException(p), onFat: true);

        new DurableFile(steps).Replace(path, next, Mode0600, readByBootloader: true);

        Assert.Equal(next, File.ReadAllBytes(path));
        Assert.Contains("Rename", steps.Log);
        Assert.DoesNotContain("OpenExisting", steps.Log);
    }

    [Fact]
    public void Replace_NotReadByBootloaderOnFat_ReplacesByRename()
    {
        using var dir = new TempDir();
        string path = dir.File("state.json");
        File.WriteAllBytes(path, Block('#'));
        var steps = new CrashingFileSteps(int.MaxValue, afterStep: false, onFat: true);

        new DurableFile(steps).Replace(path, Block('x'), Mode0600);

        Assert.Contains("Rename", steps.Log);
    }

    /// <summary>A crash before or after each step of the in-place write: the file holds the old block or the new, and nothing else appears beside it.</summary>
    [Theory]
    [InlineData(0, false)]
    [InlineData(0, true)]
    [InlineData(1, false)]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(2, true)]
    public void Replace_ReadByBootloaderOnFatCrashAtAnyStep_OldOrNewAndNoOtherFile(int crashAt, bool afterStep)
    {
        using var dir = new TempDir();
        byte[] old = Block('#');
        byte[] next = (byte[])old.Clone();
        next[5] = (byte)'x';
        string path = dir.File("grubenv");
        File.WriteAllBytes(path, old);
        var steps = new CrashingFileSteps(crashAt, afterStep, onFat: true);

        Assert.Throws<SimulatedCrashException>(() => new DurableFile(steps).Replace(path, next, Mode0600, readByBootloader: true));

        byte[] after = File.ReadAllBytes(path);
        Assert.True(after.AsSpan().SequenceEqual(old) || after.AsSpan().SequenceEqual(next), $"crash at step {crashAt} (after: {afterStep}) left a mix");
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void LinuxFileSteps_IsOnFat_TmpDirectoryIsNot()
    {
        using var dir = new TempDir();

        Assert.False(LinuxFileSteps.Instance.IsOnFat(dir.Path));
    }

    private static byte[] Block(char fill) => Enumerable.Repeat((byte)fill, 1024).ToArray();

    private static long Inode(string path) => long.Parse(ProcessRunner.Run("/usr/bin/stat", "-c", "%i", path).StdoutText);
}
