using System.Diagnostics;
using Appliance.Core.Config;
using Appliance.Core.Health;
using Appliance.Linux.Health;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Health;

/// <summary>The runner over greenboot trees of real scripts under a fake root.</summary>
public sealed class HealthCheckRunnerTests : IDisposable
{
    private const string Checks = "etc/appliance/checks.d";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TempDir _root = new();

    private static ApplianceConfig ScriptsOnly(TimeSpan? timeout = null, int maxParallel = 4) => new()
    {
        BuiltinChecks = [],
        Checks = new ChecksConfig { Timeout = timeout ?? TimeSpan.FromSeconds(30), MaxParallel = maxParallel },
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    private HealthReport RunAll(ApplianceConfig config, TimeSpan? deadline = null, TimeProvider? time = null) =>
        new HealthCheckRunner(time ?? TimeProvider.System).RunAll(config, _root.Path, deadline ?? Deadline, Ct);

    private string Script(string relative, string body) => CheckTree.Script(_root, $"{Checks}/{relative}", body);

    [Fact]
    public void RunAll_RequiredFails_UnhealthyWithOutputAndExitCode_WantedFailureIsWarning()
    {
        Script("required.d/10-ok", "echo fine");
        Script("required.d/20-db", "echo 'db down' >&2; exit 4");
        Script("wanted.d/50-ntp", "echo 'no sync'; exit 1");

        HealthReport report = RunAll(ScriptsOnly());

        Assert.False(report.Healthy);
        Assert.Equal(
            [("10-ok", CheckKind.Required, CheckResult.Pass, (int?)0, "fine\n"), ("20-db", CheckKind.Required, CheckResult.Fail, 4, "db down\n"), ("50-ntp", CheckKind.Wanted, CheckResult.Fail, 1, "no sync\n")],
            report.Checks.Select(c => (c.Name, c.Kind, c.Result, c.ExitCode, c.Output)));
        Assert.Equal("20-db", Assert.Single(report.Failures).Name);
        Assert.Equal("50-ntp", Assert.Single(report.Warnings).Name);
    }

    [Fact]
    public void RunAll_OnlyWantedFails_Healthy()
    {
        Script("required.d/10-ok", "true");
        Script("wanted.d/10-meh", "exit 2");

        Assert.True(RunAll(ScriptsOnly()).Healthy);
    }

    [Fact]
    public void RunAll_NoChecksDirectoryAndNoBuiltins_HealthyAndEmpty()
    {
        HealthReport report = RunAll(ScriptsOnly());

        Assert.True(report.Healthy);
        Assert.Empty(report.Checks);
    }

    [Fact]
    public void RunAll_ChecksSeeRootInEnvironment()
    {
        Script("required.d/root", "echo \"$APPLIANCE_ROOT\"");

        Assert.Equal(_root.Path + "\n", Assert.Single(RunAll(ScriptsOnly()).Checks).Output);
    }

    [Fact]
    public void RunAll_WorldWritableCheck_RefusedWithFixAndNeverRun()
    {
        string marker = _root.File("ran");
        string path = Script("required.d/10-evil", $"touch {marker}");
        File.SetUnixFileMode(path, CheckTree.Mode755 | UnixFileMode.OtherWrite);

        HealthReport report = RunAll(ScriptsOnly());

        CheckRecord c = Assert.Single(report.Checks);
        Assert.Equal((CheckResult.Error, "10-evil"), (c.Result, c.Name));
        Assert.Equal($"{path}: refusing check that is group- or world-writable (mode 0757); fix with: chmod go-w {path}", c.Output);
        Assert.False(report.Healthy);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void RunAll_GroupWritableRequiredDirectory_OneRequiredErrorAndNothingRun()
    {
        string marker = _root.File("ran");
        Script("required.d/10-a", $"touch {marker}");
        string dir = _root.File($"{Checks}/required.d");
        File.SetUnixFileMode(dir, CheckTree.Mode755 | UnixFileMode.GroupWrite);

        HealthReport report = RunAll(ScriptsOnly());

        CheckRecord c = Assert.Single(report.Checks);
        Assert.Equal(("required.d", CheckResult.Error, true), (c.Name, c.Result, c.Required));
        Assert.Contains($"chmod go-w {dir}", c.Output);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void RunAll_WritableParentOfChecksDirectory_Refused()
    {
        Script("required.d/10-a", "true");
        string etcAppliance = _root.File("etc/appliance");
        File.SetUnixFileMode(etcAppliance, CheckTree.Mode755 | UnixFileMode.OtherWrite);

        CheckRecord c = Assert.Single(RunAll(ScriptsOnly()).Checks);

        Assert.Equal((CheckResult.Error, true), (c.Result, c.Required));
        Assert.StartsWith($"{etcAppliance}: refusing check directory", c.Output);
    }

    [Fact]
    public void RunAll_CheckOwnedByAnotherUser_RefusedWhenRunningAsRoot()
    {
        Assert.True(Appliance.Linux.Config.FileTrust.RunningAsRoot, "this test runs as root, like make test");
        string path = Script("required.d/10-theirs", "true");
        Assert.Equal(0, Appliance.Tests.Support.ProcessRunner.Run("/bin/chown", "65534", path).ExitCode);

        CheckRecord c = Assert.Single(RunAll(ScriptsOnly()).Checks);

        Assert.Equal($"{path}: refusing check owned by uid 65534, not root; fix with: chown root: {path}", c.Output);
    }

    [Fact]
    public void RunAll_NotExecutable_ErrorNotSkipped()
    {
        string path = CheckTree.Text(_root, $"{Checks}/required.d/10-forgot", "exit 0\n");

        CheckRecord c = Assert.Single(RunAll(ScriptsOnly()).Checks);

        Assert.Equal((CheckResult.Error, $"{path}: not executable; fix with: chmod +x {path}, or remove it"), (c.Result, c.Output));
    }

    [Fact]
    public void RunAll_HiddenBackupAndDirectories_Skipped()
    {
        Script("required.d/.hidden", "exit 1");
        Script("required.d/10-a~", "exit 1");
        Script("required.d/10-a.dpkg-old", "exit 1");
        Script("required.d/10-a.rpmsave", "exit 1");
        CheckTree.Directory(_root, $"{Checks}/required.d/sub");
        Script("required.d/10-a", "true");

        Assert.Equal(["10-a"], RunAll(ScriptsOnly()).Checks.Select(c => c.Name));
    }

    [Fact]
    public void RunAll_DanglingSymlink_Error()
    {
        CheckTree.Directory(_root, $"{Checks}/required.d");
        File.CreateSymbolicLink(_root.File($"{Checks}/required.d/10-gone"), "/nonexistent");

        Assert.Equal(CheckResult.Error, Assert.Single(RunAll(ScriptsOnly()).Checks).Result);
    }

    [Fact]
    public void RunAll_CheckForkingGrandchild_TimesOutAndLeavesNothingRunning()
    {
        string pidFile = _root.File("grandchild.pid");
        Script("required.d/10-hang", $"sleep 300 & echo $! > {pidFile}; echo 'waiting for db'; wait");

        HealthReport report = RunAll(ScriptsOnly(timeout: TimeSpan.FromSeconds(1)));

        CheckRecord c = Assert.Single(report.Checks);
        Assert.Equal(CheckResult.Timeout, c.Result);
        Assert.Equal("waiting for db\n[appliance: killed with its process group after 1 s]", c.Output);
        Assert.InRange(c.DurationMs, 1000, 10_000);
        Assert.False(report.Healthy);
        Assert.True(CheckTree.Dies(CheckTree.ReadPid(pidFile)));
    }

    [Fact]
    public void RunAll_MaxParallel_BoundsConcurrency()
    {
        string running = CheckTree.Directory(_root, "running");
        for (int i = 0; i < 6; i++)
        {
            // Each check says how many checks run while it does (itself included).
            Script($"required.d/{i}", $"touch {running}/{i}; sleep 0.3; ls {running} | wc -l; rm {running}/{i}");
        }

        var watch = Stopwatch.StartNew();
        HealthReport report = RunAll(ScriptsOnly(maxParallel: 2));

        Assert.True(report.Healthy);
        Assert.All(report.Checks, c => Assert.InRange(int.Parse(c.Output), 1, 2));
        Assert.Contains(report.Checks, c => c.Output.Trim() == "2");
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void RunAll_Parallel_FasterThanSequential()
    {
        for (int i = 0; i < 4; i++)
        {
            Script($"required.d/{i}", "sleep 0.5");
        }

        var watch = Stopwatch.StartNew();
        Assert.True(RunAll(ScriptsOnly(maxParallel: 4)).Healthy);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.8), $"took {watch.Elapsed}");
    }

    [Fact]
    public void RunAll_OverallDeadline_KillsRunningAndDoesNotStartTheRest()
    {
        Script("required.d/1", "sleep 1");
        Script("required.d/2", "sleep 300");
        Script("required.d/3", "true");

        var watch = Stopwatch.StartNew();
        HealthReport report = RunAll(ScriptsOnly(maxParallel: 1), deadline: TimeSpan.FromSeconds(1.6));

        Assert.Equal([CheckResult.Pass, CheckResult.Timeout, CheckResult.Timeout], report.Checks.Select(c => c.Result));
        Assert.Equal("not started: the overall deadline of 1.6 s passed", report.Checks[2].Output);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void RunAll_Cancelled_KillsChecksAndThrows()
    {
        string pidFile = _root.File("child.pid");
        Script("required.d/1", $"sleep 300 & echo $! > {pidFile}; wait");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));

        Assert.Throws<OperationCanceledException>(() => new HealthCheckRunner(TimeProvider.System).RunAll(ScriptsOnly(), _root.Path, Deadline, cts.Token));
        Assert.True(CheckTree.Dies(CheckTree.ReadPid(pidFile)));
    }

    [Fact]
    public void RunAll_Durations_MeasuredWithInjectedClock()
    {
        var clock = new FakeTimeProvider();
        Script("required.d/1", "sleep 0.1");

        HealthReport report = new HealthCheckRunner(clock).Run(
            [new ClockCheck(clock, TimeSpan.FromMilliseconds(1234)), .. Appliance.Linux.Health.CheckDirectory.Discover(_root.Path, "/" + Checks)],
            new ChecksConfig { MaxParallel = 1 },
            _root.Path,
            Deadline,
            Ct);

        Assert.Equal([1234L, 0L], report.Checks.Select(c => c.DurationMs));
    }

    [Fact]
    public void Run_BuiltinThatHangs_TimesOut()
    {
        var watch = Stopwatch.StartNew();

        HealthReport report = new HealthCheckRunner(TimeProvider.System).Run(
            [new HangingCheck()], new ChecksConfig { Timeout = TimeSpan.FromMilliseconds(300) }, _root.Path, Deadline, Ct);

        Assert.Equal(CheckResult.Timeout, Assert.Single(report.Checks).Result);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Run_BuiltinThatThrows_ErrorNamingException()
    {
        HealthReport report = new HealthCheckRunner(TimeProvider.System).Run([new ThrowingCheck()], new ChecksConfig(), _root.Path, Deadline, Ct);

        CheckRecord c = Assert.Single(report.Checks);
        Assert.Equal((CheckResult.Error, "IOException: boom"), (c.Result, c.Output));
        Assert.False(report.Healthy);
    }

    [Fact]
    public void RunAll_DefaultBuiltinsOnFakeProc_HealthyAndSystemdNotApplicable()
    {
        CheckTree.Text(_root, "proc/loadavg", "0.10 0.20 0.30 1/100 999\n");
        CheckTree.Text(_root, "proc/meminfo", "MemTotal: 1000000 kB\nMemAvailable: 500000 kB\n");
        CheckTree.Text(_root, "proc/sys/fs/file-nr", "100\t0\t1000\n");

        HealthReport report = RunAll(ApplianceConfig.Default);

        Assert.True(report.Healthy);
        Assert.Equal(
            [("fd", CheckResult.Pass), ("load", CheckResult.Pass), ("memory", CheckResult.Pass), ("systemd", CheckResult.NotApplicable)],
            report.Checks.Select(c => (c.Name, c.Result)));
        Assert.All(report.Checks, c => Assert.Equal(CheckKind.Builtin, c.Kind));
    }

    [Fact]
    public void RunAll_DisabledBuiltin_NotRun()
    {
        var config = ApplianceConfig.Default with { BuiltinChecks = [new SystemdStateSettings(Enabled: false)] };

        Assert.Empty(RunAll(config).Checks);
    }

    private sealed class ClockCheck(FakeTimeProvider clock, TimeSpan takes) : IHealthCheck
    {
        public bool MayBlock => false;

        public string Name => "clock";

        public CheckKind Kind => CheckKind.Builtin;

        public bool Required => true;

        public CheckOutcome Evaluate(HealthCheckContext context)
        {
            clock.Advance(takes);
            return CheckOutcome.Pass("");
        }
    }

    private sealed class HangingCheck : IHealthCheck
    {
        public bool MayBlock => false;

        public string Name => "hang";

        public CheckKind Kind => CheckKind.Builtin;

        public bool Required => true;

        public CheckOutcome Evaluate(HealthCheckContext context)
        {
            Thread.Sleep(Timeout.Infinite);
            return CheckOutcome.Pass("");
        }
    }

    private sealed class ThrowingCheck : IHealthCheck
    {
        public bool MayBlock => false;

        public string Name => "throws";

        public CheckKind Kind => CheckKind.Builtin;

        public bool Required => true;

        public CheckOutcome Evaluate(HealthCheckContext context) => throw new IOException("boom");
    }
}
