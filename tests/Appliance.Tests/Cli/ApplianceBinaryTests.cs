using System.Text.Json;
using Appliance.Cli;
using Appliance.Core.Grubenv;
using Appliance.Linux.Native;
using Appliance.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Appliance.Tests.Cli;

/// <summary>The shipped native-AOT binary (artifacts/bin/appliance) against grub-editenv, hostile input, and itself in parallel.</summary>
public sealed class ApplianceBinaryTests
{
    [Fact]
    public void EnvList_FilesGrubEditenvWrote_SameOutputAsGrubEditenvList()
    {
        int files = 0, variables = 0;
        Check.One(Properties.Runs(25), Prop.ForAll(Arb.From(GrubEnvGen.Ops), (EnvOp[] ops) =>
        {
            using var dir = new TempDir();
            string path = dir.File("grubenv");
            GrubEditenv.Create(path);
            foreach (var op in ops)
            {
                op.ResolveAgainst(GrubEnvBlock.Parse(File.ReadAllBytes(path))).RunGrubEditenv(path);
            }

            byte[] expected = GrubEditenv.List(path);
            ProcessResult ours = ApplianceBinary.Run("env", "--file", path, "list");

            Assert.True(ours.ExitCode == 0 && ours.Stderr == "", ours.ToString());
            Assert.Equal(expected, ours.Stdout);
            files++;
            variables += expected.Count(b => b == (byte)'\n');
        }));

        Assert.True(variables >= 50, $"only {variables} variables in {files} files");
    }

    [Theory]
    [InlineData("missing", ExitCodes.NoInput, "no such file")]
    [InlineData("directory", ExitCodes.NoInput, "is a directory, not a GRUB environment block")]
    [InlineData("binary garbage", ExitCodes.DataError, "corrupt environment block at byte 0")]
    [InlineData("truncated", ExitCodes.DataError, "is 1023 bytes")]
    [InlineData("invalid name", ExitCodes.Usage, "invalid variable name '#x'")]
    [InlineData("value too large", ExitCodes.DataError, "setting 'big' does not fit in the environment block: 104 bytes over")]
    [InlineData("read-only file system", ExitCodes.CantCreate, "the filesystem is read-only")]
    public void EnvSet_HostileInput_ClearErrorNamingFileDocumentedExitCodeFileUntouched(string input, int exitCode, string message)
    {
        using var dir = new TempDir();
        string path = dir.File("grubenv");
        byte[] valid = EnvCommandsTests.Block(("saved_entry", "0"));
        string assignment = "saved_entry=1";
        ReadOnlyBindMount? mount = null;
        switch (input)
        {
            case "missing":
                break;
            case "directory":
                Directory.CreateDirectory(path);
                break;
            case "binary garbage":
                var garbage = new byte[1024];
                new Random(7).NextBytes(garbage);
                File.WriteAllBytes(path, garbage);
                break;
            case "truncated":
                File.WriteAllBytes(path, valid[..1023]);
                break;
            case "invalid name":
                File.WriteAllBytes(path, valid);
                assignment = "#x=1";
                break;
            case "value too large":
                File.WriteAllBytes(path, valid);
                assignment = "big=" + new string('x', 1000);
                break;
            case "read-only file system":
                Directory.CreateDirectory(dir.File("rw"));
                File.WriteAllBytes(dir.File("rw/grubenv"), valid);
                mount = ReadOnlyBindMount.Create(dir.File("rw"), dir.File("ro"));
                path = dir.File("ro/grubenv");
                break;
        }

        using (mount)
        {
            FileSnapshot? before = File.Exists(path) ? FileSnapshot.Of(path) : null;

            ProcessResult result = ApplianceBinary.Run("env", "--file", path, "set", "boot_once=true", assignment);

            Assert.Equal(exitCode, result.ExitCode);
            Assert.Empty(result.Stdout);
            Assert.StartsWith($"appliance: {path}: ", result.Stderr);
            Assert.Contains(message, result.Stderr);
            before?.AssertUnchanged(path);
            Assert.Equal(input == "missing" ? [] : ["grubenv"], Directory.GetFileSystemEntries(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        }
    }

    [Fact]
    public void EnvSet_ParallelProcesses_NoUpdateLost()
    {
        const int n = 16;
        using var dir = new TempDir();
        string path = dir.NewGrubEnv();

        var running = Enumerable.Range(0, n)
            .Select(i => (i, ProcessRunner.Start(ApplianceBinary.Program, ["env", "--file", path, "set", $"k{i}=v{i}"])))
            .ToList();
        var results = running.Select(r => ProcessRunner.Finish(r.Item2, $"appliance env set k{r.i}=v{r.i}")).ToList();

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var listed = GrubEditenv.List(path);
        var variables = GrubEnvBlock.Parse(File.ReadAllBytes(path)).Variables.ToDictionary(v => v.Name, v => v.Value);
        Assert.Equal(Enumerable.Range(0, n).ToDictionary(i => $"k{i}", i => $"v{i}"), variables);
        Assert.Equal(n, listed.Count(b => b == (byte)'\n'));
        GrubEnvLeftovers.AssertOnlyGrubEnvAndItsPreviousGeneration(dir.Path);
    }

    [Fact]
    public void EnvSet_FileWithOwnerAndMode_KeepsThem()
    {
        using var dir = new TempDir();
        string path = dir.NewGrubEnv();
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(0, ProcessRunner.Run("/bin/chown", "1234:1234", path).ExitCode);

        ProcessResult result = ApplianceBinary.Run("env", "--file", path, "set", "saved_entry=1");

        Assert.True(result.ExitCode == 0, result.ToString());
        FileStatus status = FileStatus.Of(path)!.Value;
        Assert.Equal((UnixFileMode.UserRead | UnixFileMode.UserWrite, 1234u, 1234u), (status.Mode, status.Uid, status.Gid));
        Assert.Equal("saved_entry=1\n"u8.ToArray(), GrubEditenv.List(path));
    }

    [Theory]
    [InlineData("grub")]
    [InlineData("grub2")]
    public void EnvList_Root_ReadsTreeGrubenvAsJsonInFileOrder(string grubDir)
    {
        using var tree = new TempDir();
        Directory.CreateDirectory(tree.File($"boot/{grubDir}"));
        string path = tree.File($"boot/{grubDir}/grubenv");
        GrubEditenv.Create(path);
        GrubEditenv.Ok(GrubEditenv.Set(path, [("z", "1"), ("a", "two\nlines"), ("@m", "é")]));

        ProcessResult text = ApplianceBinary.Run("--root", tree.Path, "env", "list");
        ProcessResult json = ApplianceBinary.Run("--root", tree.Path, "env", "list", "--json");

        Assert.Equal(GrubEditenv.List(path), text.Stdout);
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal([("z", "1"), ("a", "two\nlines"), ("@m", "é")], document.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetString()!)));
    }

    [Fact]
    public void EnvSetGet_NameStartingWithAt_Works()
    {
        using var dir = new TempDir();
        string path = dir.NewGrubEnv();

        ProcessResult set = ApplianceBinary.Run("env", "--file", path, "set", "@x=1");
        ProcessResult get = ApplianceBinary.Run("env", "--file", path, "get", "@x");

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal((0, "1\n"), (get.ExitCode, get.StdoutText));
        Assert.Equal("@x=1\n"u8.ToArray(), GrubEditenv.List(path));
    }
}
