using System.Diagnostics;
using System.Runtime.InteropServices;
using Appliance.Linux.Health;
using Appliance.Linux.Native;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Health;

/// <summary>The runner against real processes: /bin/sh scripts stand in for checks.</summary>
public sealed class ProcessGroupRunnerTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private static readonly string[] Env = ["PATH=/usr/bin:/bin"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static ProcessGroupResult Sh(string script, TimeSpan? timeout = null, int limit = 65536) =>
        new ProcessGroupRunner(TimeProvider.System, limit).Run("/bin/sh", ["-c", script], Env, timeout ?? Long, Ct);

    [Fact]
    public void Run_NonZeroExit_RecordsExitCodeAndOutput()
    {
        ProcessGroupResult r = Sh("echo broken; exit 3");

        Assert.Equal((3, (int?)null, false, "broken\n"), (r.ExitCode, r.Signal, r.TimedOut, r.Output));
    }

    [Fact]
    public void Run_Arguments_ReachProgramLiterally_NoShellInBetween()
    {
        ProcessGroupResult r = new ProcessGroupRunner(TimeProvider.System, 4096).Run("/bin/echo", ["a  b", "$HOME", ";", "*", "`id`"], Env, Long, Ct);

        Assert.Equal("a  b $HOME ; * `id`\n", r.Output);
    }

    [Fact]
    public void Run_Environment_IsExactlyTheGivenOne()
    {
        ProcessGroupResult r = new ProcessGroupRunner(TimeProvider.System, 4096).Run("/usr/bin/env", [], ["A=1", "B=two words"], Long, Ct);

        Assert.Equal("A=1\nB=two words\n", r.Output);
    }

    [Fact]
    public void Run_StdoutAndStderr_InterleavedInOrder()
    {
        Assert.Equal("out\nerr\nout2\n", Sh("echo out; echo err >&2; echo out2").Output);
    }

    [Fact]
    public void Run_Stdin_IsDevNull()
    {
        ProcessGroupResult r = Sh("cat; echo done", TimeSpan.FromSeconds(5));

        Assert.Equal(("done\n", 0), (r.Output, r.ExitCode));
    }

    [Fact]
    public void Run_SigpipeIsDefaultInChild_EvenThoughRuntimeIgnoresIt()
    {
        // With SIGPIPE ignored, yes(1) would see EPIPE and complain on stderr instead of dying quietly.
        ProcessGroupResult r = Sh("yes | head -n 1");

        Assert.Equal(("y\n", 0), (r.Output, r.ExitCode));
    }

    [Fact]
    public void Run_RunsInItsOwnProcessGroup()
    {
        ProcessGroupResult r = Sh("ps -o pid= -o pgid= -p $$");

        string[] ids = r.Output.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ids[0], ids[1]);
        Assert.NotEqual(Environment.ProcessId.ToString(), ids[1]);
    }

    [Fact]
    public void Run_Timeout_KillsWholeGroupIncludingGrandchild()
    {
        using var dir = new TempDir();
        string pidFile = dir.File("grandchild.pid");
        var watch = Stopwatch.StartNew();

        ProcessGroupResult r = Sh($"sleep 300 & echo $! > {pidFile}; echo waiting; sleep 300", TimeSpan.FromSeconds(1));

        Assert.True(r.TimedOut);
        Assert.Null(r.ExitCode);
        Assert.Equal("waiting\n", r.Output);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.InRange(r.Duration, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.True(CheckTree.Dies(CheckTree.ReadPid(pidFile)), "the grandchild outlived the timeout");
    }

    [Fact]
    public void Run_ChildExitsLeavingBackgroundProcessOnThePipe_ReturnsAtOnceAndKillsIt()
    {
        using var dir = new TempDir();
        string pidFile = dir.File("bg.pid");
        var watch = Stopwatch.StartNew();

        ProcessGroupResult r = Sh($"sleep 300 & echo $! > {pidFile}; echo done");

        Assert.Equal((0, "done\n", false), (r.ExitCode, r.Output, r.TimedOut));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.True(CheckTree.Dies(CheckTree.ReadPid(pidFile)), "the background process outlived its check");
    }

    [Fact]
    public void Run_ProcessEscapingWithSetsidHoldsThePipe_ReturnsWithExitCodeAnyway()
    {
        using var dir = new TempDir();
        string pidFile = dir.File("escaped.pid");
        var watch = Stopwatch.StartNew();

        ProcessGroupResult r = Sh($"setsid sh -c 'echo $$ > {pidFile}; exec sleep 300' & while [ ! -s {pidFile} ]; do sleep 0.01; done; echo started; exit 5");

        int escaped = CheckTree.ReadPid(pidFile);
        try
        {
            Assert.Equal((5, "started\n"), (r.ExitCode, r.Output));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
        }
        finally
        {
            Process.GetProcessById(escaped).Kill();
        }
    }

    [Fact]
    public void Run_HundredMegabytesOfOutput_FinishesQuicklyTruncatedAndMarked_WithBoundedMemory()
    {
        var watch = Stopwatch.StartNew();
        long allocated = GC.GetAllocatedBytesForCurrentThread();

        ProcessGroupResult r = Sh("yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 100000000; echo; echo the end", limit: 65536);

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(100_000_009, r.OutputBytes);
        Assert.True(r.OutputTruncated);
        Assert.Contains("[appliance: output truncated, 99934473 of 100000009 bytes dropped]", r.Output);
        Assert.EndsWith("\nthe end\n", r.Output);
        Assert.InRange(r.Output.Length, 65536, 65536 + 100);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.True(allocated < 4 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Run_KilledBySignal_RecordsSignalNotExitCode()
    {
        ProcessGroupResult r = Sh("kill -TERM $$");

        Assert.Equal(((int?)null, (int?)15, false), (r.ExitCode, r.Signal, r.TimedOut));
    }

    [Fact]
    public void Run_MissingProgram_ThrowsSystemErrorWithPath()
    {
        var e = Assert.Throws<SystemError>(() => new ProcessGroupRunner(TimeProvider.System, 4096).Run("/nonexistent/check", [], Env, Long, Ct));

        Assert.Equal(("posix_spawn", "/nonexistent/check", 2), (e.Call, e.Path, e.Errno));
    }

    [Fact]
    public void Run_NotExecutable_ThrowsEacces()
    {
        using var dir = new TempDir();
        string path = CheckTree.Text(dir, "plain", "echo hi\n");

        Assert.Equal(13, Assert.Throws<SystemError>(() => new ProcessGroupRunner(TimeProvider.System, 4096).Run(path, [], Env, Long, Ct)).Errno);
    }

    [Fact]
    public void Run_Cancelled_KillsGroupAndThrows()
    {
        using var dir = new TempDir();
        string pidFile = dir.File("child.pid");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));

        Assert.Throws<OperationCanceledException>(() => new ProcessGroupRunner(TimeProvider.System, 4096).Run("/bin/sh", ["-c", $"sleep 300 & echo $! > {pidFile}; wait"], Env, Long, cts.Token));

        Assert.True(CheckTree.Dies(CheckTree.ReadPid(pidFile)));
    }

    [Fact]
    public void Run_Duration_ComesFromInjectedClock()
    {
        var clock = new FakeTimeProvider();

        ProcessGroupResult r = new ProcessGroupRunner(clock, 4096).Run("/bin/sh", ["-c", "sleep 0.2"], Env, Long, Ct);

        Assert.Equal((0, TimeSpan.Zero), (r.ExitCode, r.Duration));
    }
}

/// <summary>
/// Counts this process's descriptors, so it must not share the process with tests that open
/// their own: CI saw 283 against a bound of 279 while other classes ran beside it.
/// </summary>
[Collection(nameof(DescriptorCounting))]
public sealed class ProcessGroupRunnerDescriptorTests
{
    [Fact]
    public void Run_ManyInParallel_NoDescriptorLeaks()
    {
        int before = Directory.GetFiles("/proc/self/fd").Length;

        // 64 runs: a leak of one descriptor per run shows as 64, far above the slack the
        // runtime's own (epoll, signal pipe, thread pool) needs.
        Parallel.For(0, 64, _ => Assert.Equal("x\n", ProcessGroupRunnerTests.Sh("echo x").Output));

        Assert.InRange(Directory.GetFiles("/proc/self/fd").Length, 0, before + 8);
    }
}

/// <summary>Tests that measure the whole process run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(DescriptorCounting), DisableParallelization = true)]
public sealed class DescriptorCounting;
