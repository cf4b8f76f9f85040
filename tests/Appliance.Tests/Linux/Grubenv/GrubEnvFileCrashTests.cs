using Appliance.Core.Grubenv;
using Appliance.Linux.Files;
using Appliance.Linux.Grubenv;
using Appliance.Linux.Native;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Grubenv;

/// <summary>
/// Crash consistency of <see cref="GrubEnvFile.Update"/>: a simulated crash before or after each
/// system call of the write path, or in the middle of the write, leaves the grubenv holding the
/// old block or the new one, byte for byte, and the next normal update works.
/// </summary>
public sealed class GrubEnvFileCrashTests
{
    private const uint Owner = 1234;

    private static readonly UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Update_CrashBeforeOrAfterEveryStep_FileIsOldOrNewBlockAndNextUpdateSucceeds(bool leftoverTemporary)
    {
        List<string> steps = StepsOfOneUpdate(leftoverTemporary);
        // Link keeps the replaced block allocated for GRUB; CheckpointFilesystem writes the journal home.
        string[] expected = ["CreateExclusive", "Write", "SetOwner", "Fsync", "Link", "Rename", "FsyncDirectory", "CheckpointFilesystem"];
        Assert.Equal(leftoverTemporary ? ["Delete", .. expected] : expected, steps);

        for (int k = 0; k < steps.Count; k++)
        {
            foreach (bool after in new[] { false, true })
            {
                using var fixture = new Fixture(leftoverTemporary);
                var crashing = new CrashingFileSteps(k, after);

                var e = Record.Exception(() => fixture.Open(crashing).Update(Change));

                Assert.IsType<SimulatedCrashException>(e);
                bool renamed = steps.IndexOf("Rename") is int r && (k > r || (k == r && after));
                fixture.AssertHolds(renamed ? fixture.New : fixture.Old, crashing.CrashedAt!);
                fixture.AssertNextUpdateWorks(renamed ? fixture.New : fixture.Old);
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(25)]
    [InlineData(512)]
    [InlineData(1023)]
    public void Update_TornWrite_FileIsOldBlockAndNextUpdateSucceeds(int written)
    {
        using var fixture = new Fixture(leftoverTemporary: false);
        int write = StepsOfOneUpdate(false).IndexOf("Write");
        var crashing = new CrashingFileSteps(write, afterStep: false, tornWriteBytes: written);

        Assert.Throws<SimulatedCrashException>(() => fixture.Open(crashing).Update(Change));

        Assert.Equal(written, new FileInfo(DurableFile.TemporaryPathFor(fixture.Path)).Length);
        fixture.AssertHolds(fixture.Old, crashing.CrashedAt!);
        fixture.AssertNextUpdateWorks(fixture.Old);
    }

    [Fact]
    public void Update_CrashAfterRenameBeforeDirectoryFsync_FileIsNewBlock()
    {
        using var fixture = new Fixture(leftoverTemporary: false);
        int fsyncDirectory = StepsOfOneUpdate(false).IndexOf("FsyncDirectory");
        var crashing = new CrashingFileSteps(fsyncDirectory, afterStep: false);

        Assert.Throws<SimulatedCrashException>(() => fixture.Open(crashing).Update(Change));

        Assert.Equal(["CreateExclusive", "Write", "SetOwner", "Fsync", "Link", "Rename", "FsyncDirectory CRASH"], crashing.Log);
        fixture.AssertHolds(fixture.New, crashing.CrashedAt!);
        fixture.AssertNextUpdateWorks(fixture.New);
    }

    [Theory]
    [InlineData("CreateExclusive")]
    [InlineData("Write")]
    [InlineData("SetOwner")]
    [InlineData("Fsync")]
    [InlineData("Rename")]
    public void Update_IoErrorBeforeRename_ThrowsIoErrorNamingFileAndRemovesTemporary(string step)
    {
        using var fixture = new Fixture(leftoverTemporary: false);
        var failing = new FailingFileSteps(step, path => new SystemError(step.ToLowerInvariant(), path, 5));
        var before = FileSnapshot.Of(fixture.Path);

        var e = Assert.Throws<FileProblemException>(() => fixture.Open(failing).Update(Change));

        Assert.Equal(FileProblemKind.IoError, e.Kind);
        Assert.Contains("Input/output error", e.Message);
        Assert.StartsWith(fixture.Path + ": ", e.Message);
        before.AssertUnchanged(fixture.Path);
        Assert.False(File.Exists(DurableFile.TemporaryPathFor(fixture.Path)), "the temporary file was left behind");
    }

    private static void Change(GrubEnvBlock block)
    {
        block.Set("next_entry", "1>2");
        block.Unset("boot_once");
    }

    /// <summary>The steps a normal update takes, in order, from a run that never crashes.</summary>
    private static List<string> StepsOfOneUpdate(bool leftoverTemporary)
    {
        using var fixture = new Fixture(leftoverTemporary);
        var recording = new CrashingFileSteps(crashAt: int.MaxValue, afterStep: false);
        fixture.Open(recording).Update(Change);
        fixture.AssertHolds(fixture.New, "no crash");
        return recording.Log;
    }

    /// <summary>A grubenv with variables, mode 0600 and owner 1234:1234, and the block one update makes of it.</summary>
    private sealed class Fixture : IDisposable
    {
        private readonly TempDir _dir = new();

        public Fixture(bool leftoverTemporary)
        {
            var block = GrubEnvBlock.Create();
            block.Set("saved_entry", "Debian GNU/Linux");
            block.Set("boot_once", "true");
            block.Set("boot_success", "0");
            Old = block.Bytes.ToArray();
            Change(block);
            New = block.Bytes.ToArray();
            Path = _dir.NewGrubEnv(contents: Old);
            System.IO.File.SetUnixFileMode(Path, Mode0600);
            Chown(Path, Owner);
            if (leftoverTemporary)
            {
                System.IO.File.WriteAllBytes(DurableFile.TemporaryPathFor(Path), "torn"u8.ToArray());
            }
        }

        public string Path { get; }

        public byte[] Old { get; }

        public byte[] New { get; }

        public GrubEnvFile Open(IFileSteps steps) => new(Path, steps, new FakeTimeProvider());

        public void AssertHolds(byte[] expected, string when)
        {
            byte[] actual = System.IO.File.ReadAllBytes(Path);
            Assert.True(expected.SequenceEqual(actual), $"after a crash {when}: the grubenv is neither the old block nor the new one as expected ({actual.Length} bytes)");
            FileStatus status = FileStatus.Of(Path)!.Value;
            Assert.Equal((Mode0600, Owner, Owner), (status.Mode, status.Uid, status.Gid));
        }

        public void AssertNextUpdateWorks(byte[] current)
        {
            var expected = GrubEnvBlock.Parse(current);
            expected.Set("boot_success", "1");

            Open(LinuxFileSteps.Instance).Update(b => b.Set("boot_success", "1"));

            AssertHolds(expected.Bytes.ToArray(), "and a normal update");
            GrubEnvLeftovers.AssertOnlyGrubEnvAndItsPreviousGeneration(_dir.Path);
        }

        public void Dispose() => _dir.Dispose();

        private static void Chown(string path, uint id)
        {
            var result = ProcessRunner.Run("/bin/chown", $"{id}:{id}", path);
            Assert.True(result.ExitCode == 0, result.ToString());
        }
    }
}
