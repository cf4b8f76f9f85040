using System.Collections.Concurrent;
using Appliance.Core.Health;
using Appliance.Linux.Watchdog;

namespace Appliance.Tests.Linux.Watchdog;

public sealed class CheckSchedulerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    [Fact]
    public void Start_Probes_ShareOneThreadAndProgramsGetTheirOwn()
    {
        var threads = new ConcurrentDictionary<string, int>();
        Appliance.Linux.Health.IHealthCheck Probe(string name, bool mayBlock) => new ScriptedCheck(name, () =>
        {
            threads[name] = Environment.CurrentManagedThreadId;
            return CheckOutcome.Pass("");
        }, mayBlock);

        using var scheduler = new CheckScheduler([Probe("temperature", false), Probe("edac", false), Probe("/bin/true", true)], Interval, TimeProvider.System, c => CheckContexts.Cancellable("/", c));
        scheduler.Start();
        Assert.True(SpinWait.SpinUntil(() => scheduler.HaveResults, TimeSpan.FromSeconds(10)), "every check should report");

        Assert.Equal(threads["temperature"], threads["edac"]);
        Assert.NotEqual(threads["temperature"], threads["/bin/true"]);
    }

    [Fact]
    public void Start_ProgramHangs_ProbesKeepPublishing()
    {
        using var release = new ManualResetEventSlim();
        int probeRuns = 0;
        var probe = new ScriptedCheck("fds", () =>
        {
            Interlocked.Increment(ref probeRuns);
            return CheckOutcome.Pass("");
        }, mayBlock: false);
        var hung = ScriptedCheck.Blocked("/usr/bin/hang", release);

        using var scheduler = new CheckScheduler([hung, probe], Interval, TimeProvider.System, c => CheckContexts.Cancellable("/", c));
        scheduler.Start();
        try
        {
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref probeRuns) >= 5, TimeSpan.FromSeconds(10)), "the probe should keep running while the program hangs");
            var latest = scheduler.Latest();
            Assert.Null(latest[0].At);
            Assert.NotNull(latest[1].At);
        }
        finally
        {
            release.Set();
        }
    }
}
