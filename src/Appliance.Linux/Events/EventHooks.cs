using System.Text.Json;
using Appliance.Core.Collections;
using Appliance.Core.Events;
using Appliance.Core.Health;
using Appliance.Core.Json;
using Appliance.Linux.Config;
using Appliance.Linux.Health;
using Appliance.Linux.Native;

namespace Appliance.Linux.Events;

/// <summary>How one hook ended: ok, failed (non-zero exit or a signal), timeout, refused (untrusted), skipped (not executable) or error (could not start).</summary>
public sealed record HookOutcome(string Path, string Result, int? ExitCode, string Output);

/// <summary>
/// Runs the operator's programs for an event: every executable in
/// <c>/etc/appliance/hooks.d/EVENT/</c> (under the root), in parallel, each directly with
/// execve (never a shell) in its own process group, with the event as one JSON object on
/// stdin (and, for one-line scripts, in argv[1]) and its name in <c>APPLIANCE_EVENT</c>. All of them share one deadline, after which
/// every group still running is killed: a hung hook must not hold up a boot validation or a
/// reboot. Hooks, and the directories above them, that anybody but root could write are
/// refused, as checks are: they run as root. A hook's failure is reported, never raised: the
/// event has happened whatever its hooks say.
/// </summary>
public static class EventHooks
{
    public const string HooksDirectory = "/etc/appliance/hooks.d";

    /// <summary>Long enough to send a notification; long work belongs in a service the hook starts.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private const int OutputLimitBytes = 16 * 1024;

    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>Fires <paramref name="description"/>'s hooks and waits for them, at most <paramref name="timeout"/> (plus the few seconds a killed group may take to be reaped). Null fires nothing.</summary>
    /// <param name="log">Where hooks that did not succeed are reported, one line each.</param>
    public static IReadOnlyList<HookOutcome> Fire(string root, EventDescription? description, TimeSpan timeout, TextWriter? log = null, TimeProvider? time = null)
    {
        if (description is null)
        {
            return [];
        }

        if (!ApplianceEvents.All.Exists(e => e == description.Event))
        {
            throw new ArgumentException($"'{description.Event}' is not an event; the events are {string.Join(", ", ApplianceEvents.All)}");
        }

        string directory = RootedPath.Resolve(root, $"{HooksDirectory}/{description.Event}");
        var outcomes = Discover(root, directory, out var runnable);
        if (runnable.Count > 0)
        {
            string json = JsonSerializer.Serialize(description, ApplianceJsonContext.Default.EventDescription);
            IReadOnlyList<string> environment = [.. ProcessGroupRunner.Environment(root), $"APPLIANCE_EVENT={description.Event}"];
            var runner = new ProcessGroupRunner(time ?? TimeProvider.System, OutputLimitBytes);
            var runs = runnable.ConvertAll(path => Task.Run(() => Run(runner, path, json, environment, timeout))).ToArray();
            Task.WaitAll(runs);
            foreach (var run in runs)
            {
                outcomes.Add(run.Result);
            }
        }

        outcomes.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        foreach (var outcome in outcomes.Filter(o => o.Result != "ok"))
        {
            string last = HealthEvaluator.LastLine(outcome.Output);
            log?.WriteLine($"appliance: {description.Event} hook {outcome.Path}: {outcome.Result}{(outcome.ExitCode is { } c ? $" (exit {c})" : "")}{(last.Length > 0 ? ": " + last : "")}");
        }

        return outcomes;
    }

    /// <summary>The hooks to run, and outcomes already decided for the entries that must not run.</summary>
    private static List<HookOutcome> Discover(string root, string directory, out List<string> runnable)
    {
        runnable = [];
        var outcomes = new List<HookOutcome>();
        if (FileStatus.Of(directory) is not { } status)
        {
            return outcomes;
        }

        if (!status.IsDirectory)
        {
            outcomes.Add(new(directory, "refused", null, "not a directory"));
            return outcomes;
        }

        if (FileTrust.DirectoryChainProblem(root, directory, "hook directory") is { } chain)
        {
            outcomes.Add(new(directory, "refused", null, $"{chain.Path}: {chain.Problem}"));
            return outcomes;
        }

        foreach (string path in Directory.EnumerateFileSystemEntries(directory).SortedOrdinal())
        {
            if (CheckDirectory.IsHiddenOrBackup(System.IO.Path.GetFileName(path)))
            {
                continue;
            }

            FileStatus? file = FileStatus.Of(path);
            if (file is { IsDirectory: true })
            {
                continue;
            }

            string? refusal = file switch
            {
                null => "a dangling symbolic link",
                { IsRegularFile: false } => "not a regular file",
                { } f when FileTrust.Problem(path, f, "hook") is { } p => p,
                _ => null,
            };

            if (refusal is not null)
            {
                outcomes.Add(new(path, "refused", null, refusal));
            }
            else if ((file!.Value.Mode & AnyExecute) == 0)
            {
                outcomes.Add(new(path, "skipped", null, $"not executable; chmod +x {path} to run it"));
            }
            else
            {
                runnable.Add(path);
            }
        }

        return outcomes;
    }

    private static HookOutcome Run(ProcessGroupRunner runner, string path, string json, IReadOnlyList<string> environment, TimeSpan timeout)
    {
        try
        {
            var outcome = runner.Run(path, [json], environment, timeout, CancellationToken.None, System.Text.Encoding.UTF8.GetBytes(json + "\n")).Judge(timeout);
            string status = outcome.Result switch
            {
                CheckResult.Pass => "ok",
                CheckResult.Fail => "failed",
                CheckResult.Timeout => "timeout",
                _ => "error",
            };
            return new(path, status, outcome.ExitCode, outcome.Output);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new(path, "error", null, e.Message);
        }
    }
}
