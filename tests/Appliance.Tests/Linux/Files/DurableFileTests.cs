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

    private static long Inode(string path) => long.Parse(ProcessRunner.Run("/usr/bin/stat", "-c", "%i", path).StdoutText);
}
