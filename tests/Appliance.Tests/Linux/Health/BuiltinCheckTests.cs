using Appliance.Core.Health;
using Appliance.Linux.Health;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Health;

/// <summary>The built-in checks reading fake procfs trees under a root, and the real kernel where the tree cannot be faked.</summary>
public sealed class BuiltinCheckTests : IDisposable
{
    private readonly TempDir _root = new();
    private readonly FakeTimeProvider _clock = new();

    public void Dispose() => _root.Dispose();

    private CheckOutcome Evaluate(IHealthCheck check, string? root = null, TimeSpan? timeout = null) =>
        check.Evaluate(new HealthCheckContext(root ?? _root.Path, _clock, timeout ?? TimeSpan.FromSeconds(10), new ProcessGroupRunner(TimeProvider.System, 4096), TestContext.Current.CancellationToken));

    [Fact]
    public void LoadAverage_FakeProc_ComparedWithLimit()
    {
        CheckTree.Text(_root, "proc/loadavg", "9.50 3.00 1.00 2/300 4242\n");

        Assert.Equal(CheckResult.Fail, Evaluate(new LoadAverageCheck(new LoadAverageSettings(MaxLoad1: 8))).Result);
        Assert.Equal(CheckResult.Pass, Evaluate(new LoadAverageCheck(new LoadAverageSettings(MaxLoad1: 10))).Result);
    }

    [Fact]
    public void LoadAverage_NoProcFile_ErrorNamingIt()
    {
        Assert.Equal(CheckOutcome.Error($"{_root.Path}/proc/loadavg: does not exist"), Evaluate(new LoadAverageCheck(new LoadAverageSettings())));
    }

    [Fact]
    public void LoadAverage_RealKernel_Parses()
    {
        Assert.Equal(CheckResult.Pass, Evaluate(new LoadAverageCheck(new LoadAverageSettings()), root: "/").Result);
    }

    [Fact]
    public void Memory_FakeProc_BelowMinimumFails()
    {
        CheckTree.Text(_root, "proc/meminfo", "MemTotal:  2048000 kB\nMemFree: 1000 kB\nMemAvailable:  20480 kB\n");

        CheckOutcome o = Evaluate(new MemoryCheck(new MemorySettings(MinAvailableMiB: 64)));

        Assert.Equal(CheckResult.Fail, o.Result);
        Assert.StartsWith("20 MiB available of 2000 MiB", o.Output);
    }

    [Fact]
    public void Memory_OldKernelWithoutMemAvailable_Error()
    {
        CheckTree.Text(_root, "proc/meminfo", "MemTotal: 2048000 kB\nMemFree: 1000 kB\n");

        Assert.Equal(CheckResult.Error, Evaluate(new MemoryCheck(new MemorySettings())).Result);
    }

    [Fact]
    public void Memory_RealKernel_Parses()
    {
        Assert.NotEqual(CheckResult.Error, Evaluate(new MemoryCheck(new MemorySettings(MinAvailablePercent: 0)), root: "/").Result);
    }

    [Fact]
    public void FileDescriptors_FakeProc_AboveLimitFails()
    {
        CheckTree.Text(_root, "proc/sys/fs/file-nr", "960\t0\t1000\n");

        Assert.Equal(CheckResult.Fail, Evaluate(new FileDescriptorCheck(new FileDescriptorSettings())).Result);
    }

    [Fact]
    public void FileDescriptors_RealKernel_Passes()
    {
        Assert.Equal(CheckResult.Pass, Evaluate(new FileDescriptorCheck(new FileDescriptorSettings()), root: "/").Result);
    }

    [Fact]
    public void ProcessAlive_FakeProc_RunningPassesZombieFails()
    {
        CheckTree.Text(_root, "run/app.pid", "4242\n");
        CheckTree.Text(_root, "proc/4242/stat", "4242 (my app) S 1 4242 4242 0 -1\n");
        var check = new ProcessAliveCheck(new ProcessAliveSettings("app", PidFile: "/run/app.pid"));

        Assert.Equal(CheckResult.Pass, Evaluate(check).Result);
        CheckTree.Text(_root, "proc/4242/stat", "4242 (my app) Z 1 4242 4242 0 -1\n");
        Assert.Equal(CheckResult.Fail, Evaluate(check).Result);
        File.Delete(_root.File("proc/4242/stat"));
        Assert.Equal(CheckOutcome.Fail("process 4242 from /run/app.pid is not running"), Evaluate(check));
    }

    [Fact]
    public void ProcessAlive_RealKernel_OurselvesAlive()
    {
        string pidFile = CheckTree.Text(_root, "self.pid", $"{Environment.ProcessId}\n");

        Assert.Equal(CheckResult.Pass, Evaluate(new ProcessAliveCheck(new ProcessAliveSettings("self", PidFile: pidFile)), root: "/").Result);
    }

    [Fact]
    public void Freshness_UsesContextClock()
    {
        string beat = CheckTree.Text(_root, "run/beat", "");
        File.SetLastWriteTimeUtc(beat, _clock.GetUtcNow().UtcDateTime.AddSeconds(-30));
        var check = new FreshnessCheck(new FreshnessSettings("beat", Path: "/run/beat", MaxAge: TimeSpan.FromSeconds(60)));

        Assert.Equal(CheckOutcome.Pass("/run/beat: modified 30 s ago"), Evaluate(check));
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(CheckResult.Fail, Evaluate(check).Result);
        File.Delete(beat);
        Assert.Equal(CheckOutcome.Fail("/run/beat: does not exist"), Evaluate(check));
    }

    [Fact]
    public void Filesystem_TempDirectory_PassesAndProbeLeavesNothing()
    {
        CheckTree.Directory(_root, "data");

        CheckOutcome o = Evaluate(new FilesystemCheck(new FilesystemSettings("data", Path: "/data", MinFreeMiB: 1)));

        Assert.Equal(CheckResult.Pass, o.Result);
        Assert.StartsWith("/data: ", o.Output);
        Assert.Empty(Directory.GetFileSystemEntries(_root.File("data")));
    }

    [Fact]
    public void Filesystem_MoreFreeSpaceWantedThanExists_Fails()
    {
        CheckOutcome o = Evaluate(new FilesystemCheck(new FilesystemSettings("root", Path: "/", MinFreeMiB: 1L << 40)));

        Assert.Equal(CheckResult.Fail, o.Result);
        Assert.EndsWith("below MinFreeMiB=1099511627776", o.Output);
    }

    [Fact]
    public void Filesystem_Missing_FailsNamingPath()
    {
        CheckOutcome o = Evaluate(new FilesystemCheck(new FilesystemSettings("x", Path: "/nope")));

        Assert.Equal(CheckOutcome.Fail($"{_root.Path}/nope: statvfs failed: No such file or directory"), o);
    }

    [Fact]
    public void Filesystem_ReadOnlyMount_FailsAsReadOnly()
    {
        string source = CheckTree.Directory(_root, "src");
        using var mount = ReadOnlyBindMount.Create(source, _root.File("ro"));

        CheckOutcome o = Evaluate(new FilesystemCheck(new FilesystemSettings("ro", Path: "/ro")));

        Assert.Equal(CheckResult.Fail, o.Result);
        Assert.EndsWith("mounted read-only", o.Output);
    }

    [Fact]
    public void Filesystem_ProbeCannotWrite_FailsWithReason()
    {
        // A regular file is not a directory: statvfs works on it, the probe cannot create a file "in" it.
        CheckTree.Text(_root, "afile", "");

        CheckOutcome o = Evaluate(new FilesystemCheck(new FilesystemSettings("f", Path: "/afile")));

        Assert.Equal(CheckResult.Fail, o.Result);
        Assert.Contains("write probe failed: ", o.Output);
    }

    [Fact]
    public void Systemd_NotBooted_NotApplicable()
    {
        Assert.Equal(CheckResult.NotApplicable, Evaluate(new SystemdStateCheck(new SystemdStateSettings())).Result);
    }

    [Theory]
    [InlineData("echo running", CheckResult.Pass)]
    [InlineData("echo starting; exit 1", CheckResult.Pass)]
    [InlineData("echo degraded; exit 1", CheckResult.Fail)]
    [InlineData("echo 'Failed to connect to bus' >&2; echo offline; exit 1", CheckResult.Fail)]
    [InlineData("sleep 300", CheckResult.Timeout)]
    public void Systemd_BootedWithSystemctl_StateMapped(string systemctl, CheckResult expected)
    {
        CheckTree.Directory(_root, "run/systemd/system");
        CheckTree.Script(_root, "usr/bin/systemctl", $"[ \"$1\" = is-system-running ] || exit 99\n{systemctl}");

        Assert.Equal(expected, Evaluate(new SystemdStateCheck(new SystemdStateSettings()), timeout: TimeSpan.FromSeconds(1)).Result);
    }

    [Fact]
    public void Systemd_BootedWithoutSystemctl_Error()
    {
        CheckTree.Directory(_root, "run/systemd/system");

        Assert.Equal(CheckResult.Error, Evaluate(new SystemdStateCheck(new SystemdStateSettings())).Result);
    }

    [Fact]
    public void Create_EveryConfiguredType_HasACheck()
    {
        BuiltinCheckSettings[] all =
        [
            new SystemdStateSettings(), new LoadAverageSettings(), new MemorySettings(), new FileDescriptorSettings(),
            new FilesystemSettings("a"), new FreshnessSettings("b"), new ProcessAliveSettings("c"),
        ];

        Assert.All(all, s => Assert.Equal((s.Name, CheckKind.Builtin, s.Required), (BuiltinChecks.Create(s).Name, BuiltinChecks.Create(s).Kind, BuiltinChecks.Create(s).Required)));
    }
}
