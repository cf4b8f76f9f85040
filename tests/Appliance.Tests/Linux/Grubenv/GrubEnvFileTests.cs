using Appliance.Core.Grubenv;
using Appliance.Linux.Files;
using Appliance.Linux.Grubenv;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Grubenv;

public sealed class GrubEnvFileTests
{
    [Theory]
    [InlineData(true, false, "boot/grub/grubenv")]
    [InlineData(false, true, "boot/grub2/grubenv")]
    [InlineData(true, true, "boot/grub/grubenv")]
    [InlineData(false, false, "boot/grub/grubenv")]
    public void DefaultPath_Tree_BootGrubUnlessOnlyGrub2Exists(bool grubFile, bool grub2File, string expected)
    {
        using var tree = new TempDir();
        foreach (var (exists, name) in new[] { (grubFile, "grub"), (grub2File, "grub2") })
        {
            if (exists)
            {
                Directory.CreateDirectory(tree.File($"boot/{name}"));
                tree.NewGrubEnv($"boot/{name}/grubenv");
            }
        }

        Assert.Equal(tree.File(expected), GrubEnvFile.DefaultPath(tree.Path));
    }

    [Fact]
    public void DefaultPath_BothDirectoriesOnlyGrub2File_Grub2()
    {
        using var tree = new TempDir();
        Directory.CreateDirectory(tree.File("boot/grub"));
        Directory.CreateDirectory(tree.File("boot/grub2"));
        tree.NewGrubEnv("boot/grub2/grubenv");

        Assert.Equal(tree.File("boot/grub2/grubenv"), GrubEnvFile.DefaultPath(tree.Path));
    }

    [Fact]
    public void DefaultPath_OnlyGrub2Directory_Grub2ForCreate()
    {
        using var tree = new TempDir();
        Directory.CreateDirectory(tree.File("boot/grub2"));

        Assert.Equal(tree.File("boot/grub2/grubenv"), GrubEnvFile.DefaultPath(tree.Path));
    }

    [Fact]
    public void Update_NoChange_TakesNoWriteStep()
    {
        using var dir = new TempDir();
        string path = dir.NewGrubEnv();
        new GrubEnvFile(path, LinuxFileSteps.Instance, new FakeTimeProvider()).Update(b => b.Set("a", "1"));
        var before = FileSnapshot.Of(path);
        var anyStepCrashes = new CrashingFileSteps(crashAt: 0, afterStep: false);

        new GrubEnvFile(path, anyStepCrashes, new FakeTimeProvider()).Update(b =>
        {
            b.Set("a", "1");
            b.Unset("absent");
        });

        Assert.Empty(anyStepCrashes.Log);
        before.AssertUnchanged(path);
    }

    [Fact]
    public void Update_LaterChangeInBatchFails_NothingWritten()
    {
        using var dir = new TempDir();
        string path = dir.NewGrubEnv();
        var before = FileSnapshot.Of(path);

        var e = Assert.Throws<FileProblemException>(() => new GrubEnvFile(path, LinuxFileSteps.Instance, new FakeTimeProvider()).Update(b =>
        {
            b.Set("a", "1");
            b.Set("b", new string('x', 2000));
        }));

        Assert.Equal(FileProblemKind.NoSpace, e.Kind);
        Assert.Equal($"{path}: setting 'b' does not fit in the environment block: 1077 bytes over", e.Message);
        before.AssertUnchanged(path);
    }

    [Fact]
    public void Read_DifferentSize_CorruptNamingSizeAndFile()
    {
        using var dir = new TempDir();
        string path = dir.NewGrubEnv(contents: [.. GrubEnvBlock.Create(2048).Bytes]);

        var e = Assert.Throws<FileProblemException>(() => new GrubEnvFile(path, LinuxFileSteps.Instance, new FakeTimeProvider()).Read());

        Assert.Equal(FileProblemKind.Corrupt, e.Kind);
        Assert.StartsWith($"{path}: is 2048 bytes, but a GRUB environment block is 1024 bytes", e.Message);
    }
}
