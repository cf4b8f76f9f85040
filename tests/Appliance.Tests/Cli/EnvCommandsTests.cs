using System.Text;
using System.Text.Json;
using Appliance.Cli;
using Appliance.Core.Grubenv;
using Appliance.Linux.Files;
using Appliance.Linux.Native;
using Appliance.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Appliance.Tests.Cli;

/// <summary>
/// <c>appliance env</c> in-process: hostile files and arguments give a clear error naming the
/// file, the documented exit code, and leave the file byte for byte as it was.
/// </summary>
public sealed class EnvCommandsTests
{
    public static TheoryData<string, string> HostileFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in new[] { "truncated", "empty", "wrong signature", "over 1024 bytes", "binary garbage", "record without newline", "NUL in a value", "missing", "directory" })
        {
            foreach (string command in new[] { "list", "get", "set", "unset" })
            {
                data.Add(file, command);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void Env_HostileFile_ClearErrorNamingFileDocumentedExitCodeFileUntouched(string file, string command)
    {
        using var dir = new TempDir();
        string path = dir.File("grubenv");
        byte[] valid = Block(("saved_entry", "0"), ("boot_once", "true"));
        (byte[]? contents, int exitCode, string message) = file switch
        {
            "truncated" => (valid[..1000], ExitCodes.DataError, "is 1000 bytes, but a GRUB environment block is 1024 bytes"),
            "empty" => ([], ExitCodes.DataError, "is 0 bytes"),
            "wrong signature" => (Replace(valid, 0, "# GRUB Environment Blocc\n"), ExitCodes.DataError, "corrupt environment block at byte 0: expected the signature"),
            "over 1024 bytes" => ([.. valid, .. "a=1\n"u8], ExitCodes.DataError, "is 1028 bytes"),
            "binary garbage" => (Garbage(1024), ExitCodes.DataError, "corrupt environment block at byte 0"),
            "record without newline" => (Replace(valid, 94, new string('x', 930)), ExitCodes.DataError, "corrupt environment block at byte 94: expected a 'name=value' record"),
            "NUL in a value" => (Replace(valid, 94, "saved_entry=0\0\n"), ExitCodes.DataError, "corrupt environment block at byte 94: expected a value without NUL bytes"),
            "missing" => (null, ExitCodes.NoInput, "no such file; create one with 'appliance env create'"),
            "directory" => (null, ExitCodes.NoInput, "is a directory, not a GRUB environment block"),
            _ => throw new ArgumentException(file),
        };
        if (contents is not null)
        {
            File.WriteAllBytes(path, contents);
        }
        else if (file == "directory")
        {
            Directory.CreateDirectory(path);
        }

        FileSnapshot? before = contents is null ? null : FileSnapshot.Of(path);
        string[] args = command switch
        {
            "list" => ["env", "--file", path, "list"],
            "get" => ["env", "--file", path, "get", "saved_entry"],
            "set" => ["env", "--file", path, "set", "saved_entry=1"],
            _ => ["env", "--file", path, "unset", "boot_once"],
        };

        CliResult result = InProcessCli.Run(args);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith($"appliance: {path}: ", result.Stderr);
        Assert.Contains(message, result.Stderr);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        before?.AssertUnchanged(path);
        Assert.Equal(file == "missing" ? [] : ["grubenv"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
        if (file == "directory")
        {
            Assert.Empty(Directory.GetFileSystemEntries(path));
        }
    }

    [Theory]
    [InlineData("set", "=x", "a variable name cannot be empty")]
    [InlineData("set", "a\nb=1", "invalid variable name 'a\\nb': a variable name cannot contain a newline")]
    [InlineData("set", "#x=1", "cannot start with '#'")]
    [InlineData("set", "novalue", "expected NAME=VALUE, got 'novalue'")]
    [InlineData("set", "a=x\0y", "it contains a NUL byte")]
    [InlineData("unset", "#x", "cannot start with '#'")]
    [InlineData("unset", "a=b", "cannot contain '='")]
    [InlineData("unset", "", "cannot be empty")]
    [InlineData("get", "a\nb", "cannot contain a newline")]
    public void Env_InvalidName_UsageErrorNamingFileAndFileUntouched(string command, string argument, string message)
    {
        using var dir = new TempDir();
        string path = dir.NewGrubEnv(contents: Block(("a", "1")));
        var before = FileSnapshot.Of(path);

        CliResult result = InProcessCli.Run("env", "--file", path, command, "--", argument);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith($"appliance: {path}: ", result.Stderr);
        Assert.Contains(message, result.Stderr);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        before.AssertUnchanged(path);
    }

    [Fact]
    public void EnvSet_ValueTooLarge_DataErrorSayingHowManyBytesOverAndFileUntouched()
    {
        using var dir = new TempDir();
        string path = dir.NewGrubEnv(contents: Block(("saved_entry", "0")));
        var before = FileSnapshot.Of(path);
        int free = 1024 - 94 - "saved_entry=0\n".Length;

        CliResult result = InProcessCli.Run("env", "--file", path, "set", "big=" + new string('x', free));

        Assert.Equal(ExitCodes.DataError, result.ExitCode);
        Assert.Equal($"appliance: {path}: setting 'big' does not fit in the environment block: 5 bytes over\n", result.Stderr);
        before.AssertUnchanged(path);
    }

    [Theory]
    [InlineData("=x", ExitCodes.Usage, "a variable name cannot be empty")]
    [InlineData("#b=2", ExitCodes.Usage, "cannot start with '#'")]
    [InlineData("big=<too large>", ExitCodes.DataError, "bytes over")]
    public void EnvSet_OneBadAssignmentAmongGoodOnes_NothingWritten(string bad, int exitCode, string message)
    {
        using var dir = new TempDir();
        string path = dir.NewGrubEnv(contents: Block(("a", "0")));
        var before = FileSnapshot.Of(path);

        CliResult result = InProcessCli.Run("env", "--file", path, "set", "a=1", "c=3", bad.Replace("<too large>", new string('x', 1000)), "d=4");

        Assert.Equal(exitCode, result.ExitCode);
        Assert.StartsWith($"appliance: {path}: ", result.Stderr);
        Assert.Contains(message, result.Stderr);
        before.AssertUnchanged(path);
    }

    [Theory]
    [InlineData("set", "saved_entry=1")]
    [InlineData("unset", "saved_entry")]
    [InlineData("create", "--force")]
    public void Env_ReadOnlyBindMount_CantCreateNamingFileAndFileUntouched(string command, string argument)
    {
        using var dir = new TempDir();
        string source = Path.Combine(dir.Path, "rw");
        Directory.CreateDirectory(source);
        File.WriteAllBytes(Path.Combine(source, "grubenv"), Block(("saved_entry", "0")));
        using var mount = ReadOnlyBindMount.Create(source, Path.Combine(dir.Path, "ro"));
        string path = Path.Combine(mount.Target, "grubenv");
        var before = FileSnapshot.Of(path);

        CliResult result = InProcessCli.Run("env", "--file", path, command, argument);

        Assert.Equal(ExitCodes.CantCreate, result.ExitCode);
        Assert.Equal($"appliance: {path}: the filesystem is read-only; remount it read-write (mount -o remount,rw) and try again\n", result.Stderr);
        before.AssertUnchanged(path);
        Assert.Equal(["grubenv"], Directory.GetFileSystemEntries(source).Select(Path.GetFileName));
    }

    [Fact]
    public void EnvSet_RuntimeReportsEROFS_CantCreateNamingFileAndFileUntouched()
    {
        // The same failure as the bind mount, as .NET reports it (IOException, HResult = errno 30), without needing mount privileges.
        using var dir = new TempDir();
        string path = dir.NewGrubEnv(contents: Block(("saved_entry", "0")));
        var before = FileSnapshot.Of(path);
        var steps = new FailingFileSteps("CreateExclusive", p => new IOException($"Read-only file system : '{p}'", 30));

        CliResult result = InProcessCli.Run(steps, "env", "--file", path, "set", "saved_entry=1");

        Assert.Equal(ExitCodes.CantCreate, result.ExitCode);
        Assert.StartsWith($"appliance: {path}: the filesystem is read-only", result.Stderr);
        before.AssertUnchanged(path);
    }

    [Theory]
    [InlineData("CreateExclusive")]
    [InlineData("Write")]
    [InlineData("SetOwner")]
    [InlineData("Fsync")]
    [InlineData("Rename")]
    public void EnvSet_InjectedIoFault_IoErrorNamingFileAndFileUntouched(string step)
    {
        using var dir = new TempDir();
        string path = dir.NewGrubEnv(contents: Block(("saved_entry", "0")));
        var before = FileSnapshot.Of(path);
        var steps = new FailingFileSteps(step, p => new SystemError(step.ToLowerInvariant(), p, 5));

        CliResult result = InProcessCli.Run(steps, "env", "--file", path, "set", "saved_entry=1", "boot_once=true");

        Assert.Equal(ExitCodes.IoError, result.ExitCode);
        Assert.StartsWith($"appliance: {path}: ", result.Stderr);
        Assert.Contains("Input/output error", result.Stderr);
        before.AssertUnchanged(path);
        GrubEnvLeftovers.AssertOnlyGrubEnvAndItsPreviousGeneration(dir.Path);
    }

    [Fact]
    public void EnvSet_LockHeldLongerThanTimeout_TempFailNamingFileAndFileUntouched()
    {
        using var dir = new TempDir();
        string path = dir.NewGrubEnv(contents: Block(("saved_entry", "0")));
        var before = FileSnapshot.Of(path);
        using var held = DirectoryLock.Acquire(dir.Path, TimeSpan.Zero, TimeProvider.System);

        // Every clock reading advances a second: the 10 s timeout passes after a few polls.
        CliResult result = InProcessCli.Run(LinuxFileSteps.Instance, new FakeTimeProvider(autoAdvance: TimeSpan.FromSeconds(1)), "env", "--file", path, "set", "saved_entry=1");

        Assert.Equal(ExitCodes.TempFail, result.ExitCode);
        Assert.StartsWith($"appliance: {path}: ", result.Stderr);
        Assert.Contains("another process has held the lock for 10 s", result.Stderr);
        before.AssertUnchanged(path);
    }

    [Fact]
    public void EnvSet_RandomSessions_SameBytesAsGrubEditenv()
    {
        int assignments = 0;
        Check.One(Properties.Runs(40), Prop.ForAll(Arb.From(GrubEnvGen.Ops), (EnvOp[] ops) =>
        {
            using var dir = new TempDir();
            string ours = dir.NewGrubEnv("ours");
            string theirs = dir.NewGrubEnv("theirs");
            foreach (var op in ops)
            {
                EnvOp batch = op.ResolveAgainst(GrubEnvBlock.Parse(File.ReadAllBytes(ours)));
                string[] args = batch switch
                {
                    SetOp set => ["env", "--file", ours, "set", "--", .. set.Pairs.Select(p => $"{p.Name}={p.Value}")],
                    UnsetOp unset => ["env", "--file", ours, "unset", "--", .. unset.Names],
                    _ => throw new InvalidOperationException(),
                };
                assignments += batch is SetOp s ? s.Pairs.Count : 0;

                CliResult result = InProcessCli.Run(args);
                ProcessResult grub = batch.RunGrubEditenv(theirs);

                Assert.True(
                    (result.ExitCode == 0 && grub.ExitCode == 0) || (result.ExitCode == ExitCodes.DataError && grub.ExitCode == 1),
                    $"{batch}: appliance {result}, {grub}");
                Assert.Equal(File.ReadAllBytes(theirs), File.ReadAllBytes(ours));
            }

            Assert.Equal(Encoding.UTF8.GetString(GrubEditenv.List(theirs)), InProcessCli.Run("env", "--file", ours, "list").Stdout);
        }));

        Assert.True(assignments >= 500, $"only {assignments} assignments");
    }

    [Fact]
    public void EnvGet_NameStartingWithAt_NotTakenForAResponseFile()
    {
        using var dir = new TempDir();
        string path = dir.NewGrubEnv();
        GrubEditenv.Ok(GrubEditenv.Set(path, [("@x", "1")]));

        CliResult result = InProcessCli.Run("env", "--file", path, "get", "@x");

        Assert.Equal((0, "1\n", ""), (result.ExitCode, result.Stdout, result.Stderr));
    }

    [Fact]
    public void EnvGet_Unset_ExitsNotFoundNamingFile()
    {
        using var dir = new TempDir();
        string path = dir.NewGrubEnv(contents: Block(("a", "1")));

        CliResult result = InProcessCli.Run("env", "--file", path, "get", "b");

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Equal($"appliance: {path}: b is not set\n", result.Stderr);
    }

    [Fact]
    public void EnvListJson_Variables_OneObjectInFileOrder()
    {
        using var dir = new TempDir();
        string path = dir.NewGrubEnv(contents: Block(("z", "last\nline"), ("a", "x=\"y\"\\"), ("m", "é中"), ("b", "")));

        CliResult result = InProcessCli.Run("env", "--file", path, "list", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(1, result.Stdout.Count(c => c == '\n'));
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
        Assert.Equal(
            [("z", "last\nline"), ("a", "x=\"y\"\\"), ("m", "é中"), ("b", "")],
            json.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetString()!)));
    }

    [Theory]
    [InlineData(true, false, "boot/grub/grubenv")]
    [InlineData(false, true, "boot/grub2/grubenv")]
    [InlineData(true, true, "boot/grub/grubenv")]
    public void EnvList_Root_ReadsGrubenvUnderTree(bool grub, bool grub2, string expected)
    {
        using var tree = new TempDir();
        foreach (var (exists, dirName) in new[] { (grub, "grub"), (grub2, "grub2") })
        {
            if (exists)
            {
                Directory.CreateDirectory(tree.File($"boot/{dirName}"));
                File.WriteAllBytes(tree.File($"boot/{dirName}/grubenv"), Block(("from", dirName)));
            }
        }

        CliResult result = InProcessCli.Run("--root", tree.Path, "env", "list");

        Assert.Equal((0, $"from={expected.Split('/')[1]}\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public void EnvCreate_NewFile_SameAsGrubEditenvCreateWithMode0644()
    {
        using var dir = new TempDir();
        string path = dir.File("grubenv");

        CliResult result = InProcessCli.Run("env", "--file", path, "create");

        Assert.Equal((0, "", ""), (result.ExitCode, result.Stdout, result.Stderr));
        string reference = dir.File("reference");
        GrubEditenv.Create(reference);
        Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, FileStatus.Of(path)!.Value.Mode);
    }

    [Fact]
    public void EnvCreate_ExistingWithoutForce_UsageErrorAndFileUntouched()
    {
        using var dir = new TempDir();
        string path = dir.NewGrubEnv(contents: Block(("a", "1")));
        var before = FileSnapshot.Of(path);

        CliResult result = InProcessCli.Run("env", "--file", path, "create");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal($"appliance: {path}: already exists; use --force to replace it with an empty block\n", result.Stderr);
        before.AssertUnchanged(path);
    }

    internal static byte[] Block(params (string Name, string Value)[] variables)
    {
        var block = GrubEnvBlock.Create();
        foreach (var (name, value) in variables)
        {
            block.Set(name, value);
        }

        return block.Bytes.ToArray();
    }

    private static byte[] Replace(byte[] bytes, int at, string with)
    {
        byte[] copy = (byte[])bytes.Clone();
        Encoding.UTF8.GetBytes(with).CopyTo(copy, at);
        return copy;
    }

    private static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        new Random(2026).NextBytes(bytes);
        return bytes;
    }
}
