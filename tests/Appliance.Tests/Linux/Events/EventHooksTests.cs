using System.Diagnostics;
using System.Text.Json;
using Appliance.Core.Events;
using Appliance.Linux.Events;
using Appliance.Tests.Linux.Health;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Events;

public sealed class EventHooksTests : IDisposable
{
    private readonly TempDir _root = new();

    public void Dispose() => _root.Dispose();

    private static EventDescription Event(string name = ApplianceEvents.Committed, string message = "trial 'x' passed its checks") => new()
    {
        Event = name,
        Time = new DateTimeOffset(2026, 11, 22, 6, 0, 0, TimeSpan.Zero),
        Message = message,
        Trial = "gnulinux>trial",
        KnownGood = "good",
        FailingChecks = ["50-app"],
    };

    private string Hook(string evt, string name, string body) => CheckTree.Script(_root, $"etc/appliance/hooks.d/{evt}/{name}", body);

    [Fact]
    public void Fire_ExecutableHooks_EachGetsTheJsonAsArgumentAndTheEventName()
    {
        string log = _root.File("log");
        Hook("committed", "10-first", $"printf '%s\\n' \"$APPLIANCE_EVENT\" \"$1\" > {log}.1");
        Hook("committed", "20-second", $"printf '%s\\n' \"$#\" > {log}.2");

        var outcomes = EventHooks.Fire(_root.Path, Event(), TimeSpan.FromSeconds(10));

        Assert.Equal(["ok", "ok"], outcomes.Select(o => o.Result).ToArray());
        string[] first = File.ReadAllLines(log + ".1");
        Assert.Equal("committed", first[0]);
        using var json = JsonDocument.Parse(first[1]);
        Assert.Equal("committed", json.RootElement.GetProperty("event").GetString());
        Assert.Equal("gnulinux>trial", json.RootElement.GetProperty("trial").GetString());
        Assert.Equal("good", json.RootElement.GetProperty("known_good").GetString());
        Assert.Equal("50-app", json.RootElement.GetProperty("failing_checks")[0].GetString());
        Assert.False(json.RootElement.TryGetProperty("boot_id", out _));
        Assert.Equal("1", File.ReadAllText(log + ".2").Trim());
    }

    [Fact]
    public void Fire_ShellMetacharactersInTheEvent_ReachTheHookVerbatimNothingExpands()
    {
        string marker = _root.File("pwned");
        string log = _root.File("arg");
        Hook("committed", "hook", $"printf '%s' \"$1\" > {log}");
        var description = Event(message: $"$(touch {marker}); `touch {marker}` ; * \"quoted\" 'single'\nnewline");

        EventHooks.Fire(_root.Path, description, TimeSpan.FromSeconds(10));

        Assert.Equal(JsonSerializer.Serialize(description, Appliance.Core.Json.ApplianceJsonContext.Default.EventDescription), File.ReadAllText(log));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Fire_Hook_ReadsTheEventAsJsonOnStdin()
    {
        string log = _root.File("stdin");
        Hook("committed", "hook", $"cat > {log}");
        var description = Event(message: "trial committed");

        EventHooks.Fire(_root.Path, description, TimeSpan.FromSeconds(10));

        Assert.Equal(JsonSerializer.Serialize(description, Appliance.Core.Json.ApplianceJsonContext.Default.EventDescription) + "\n", File.ReadAllText(log));
    }

    [Fact]
    public void Fire_HangingHook_KilledWithItsGroupAtTheTimeoutOthersStillFinish()
    {
        string pidFile = _root.File("child.pid");
        Hook("rolled-back", "10-hangs", $"sleep 60 & echo $! > {pidFile}\nwait");
        Hook("rolled-back", "20-quick", "echo done");
        var clock = Stopwatch.StartNew();

        var outcomes = EventHooks.Fire(_root.Path, Event(ApplianceEvents.RolledBack), TimeSpan.FromSeconds(1), TextWriter.Null, TimeProvider.System);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
        Assert.Equal(["timeout", "ok"], outcomes.Select(o => o.Result).ToArray());
        Assert.True(CheckTree.Dies(int.Parse(File.ReadAllText(pidFile).Trim())), "the hook's child outlived the timeout");
    }

    [Fact]
    public void Fire_GroupWritableHook_RefusedAndNotRunWithTheFixInTheMessage()
    {
        string marker = _root.File("ran");
        string hook = Hook("committed", "writable", $"touch {marker}");
        File.SetUnixFileMode(hook, CheckTree.Mode755 | UnixFileMode.GroupWrite);
        var log = new StringWriter();

        var outcome = Assert.Single(EventHooks.Fire(_root.Path, Event(), TimeSpan.FromSeconds(10), log));

        Assert.Equal("refused", outcome.Result);
        Assert.False(File.Exists(marker));
        Assert.Contains($"chmod go-w {hook}", log.ToString());
    }

    [Fact]
    public void Fire_WorldWritableHookDirectory_EveryHookRefused()
    {
        string marker = _root.File("ran");
        Hook("committed", "hook", $"touch {marker}");
        File.SetUnixFileMode(_root.File("etc/appliance/hooks.d"), CheckTree.Mode755 | UnixFileMode.OtherWrite);

        var outcome = Assert.Single(EventHooks.Fire(_root.Path, Event(), TimeSpan.FromSeconds(10)));

        Assert.Equal("refused", outcome.Result);
        Assert.Contains("hooks.d", outcome.Output);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Fire_NonExecutableFilesBackupsAndSubdirectories_NotRun()
    {
        string marker = _root.File("ran");
        CheckTree.Text(_root, "etc/appliance/hooks.d/committed/disabled", $"#!/bin/sh\ntouch {marker}\n");
        Hook("committed", "examples/example", $"touch {marker}");
        Hook("committed", "hook.dpkg-old", $"touch {marker}");
        Hook("committed", ".hidden", $"touch {marker}");

        var outcomes = EventHooks.Fire(_root.Path, Event(), TimeSpan.FromSeconds(10));

        Assert.Equal("skipped", Assert.Single(outcomes).Result);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Fire_FailingHookOrNoHooks_ReportedNeverThrown()
    {
        Hook("committed", "fails", "echo 'could not reach the pager' >&2\nexit 3");
        var log = new StringWriter();

        var outcome = Assert.Single(EventHooks.Fire(_root.Path, Event(), TimeSpan.FromSeconds(10), log));

        Assert.True((outcome.Result, outcome.ExitCode) == ("failed", 3), $"{outcome.Result} {outcome.ExitCode}: {outcome.Output}");
        Assert.Contains("committed hook", log.ToString());
        Assert.Contains("could not reach the pager", log.ToString());
        Assert.Empty(EventHooks.Fire(_root.Path, Event(ApplianceEvents.WatchdogReset), TimeSpan.FromSeconds(10)));
        Assert.Empty(EventHooks.Fire(_root.Path, null, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Fire_UnknownEvent_Throws() =>
        Assert.Throws<ArgumentException>(() => EventHooks.Fire(_root.Path, Event("../../bin"), TimeSpan.FromSeconds(1)));
}
