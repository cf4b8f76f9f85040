using System.CommandLine;
using System.Text;
using System.Text.Json;
using Appliance.Core.Boot;
using Appliance.Core.Json;
using Appliance.Core.Metrics;
using Appliance.Linux.Boot;
using Appliance.Linux.Files;
using Appliance.Linux.Grubenv;
using Appliance.Linux.Health;
using Appliance.Linux.Journal;
using Appliance.Linux.Watchdog;

using static Appliance.Core.Errno;

namespace Appliance.Cli.Commands;

/// <summary><c>appliance metrics</c>: the boot journal, the trial state and the watchdog's counters in Prometheus' text format, for node_exporter's textfile collector.</summary>
public static class MetricsCommand
{
    /// <summary>The textfile collector reads every <c>*.prom</c> file in its directory; this is ours.</summary>
    public const string FileName = "appliance.prom";

    // errno values (asm-generic/errno-base.h) the textfile directory commonly gives.

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    // Another writer (a timer and a hand-run command) holds the directory only for one rename.
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    public static Command Build(CliContext context)
    {
        var textfile = new Option<string?>("--textfile")
        {
            Description = $"Write DIR/{FileName} atomically (node_exporter --collector.textfile.directory) instead of printing. Taken as given, not under --root.",
            HelpName = "DIR",
        };
        var metrics = new Command("metrics", "Print or write Prometheus metrics: boot attempts, rollbacks by reason, check failures, trial state, last reset cause, watchdog pets") { textfile };
        metrics.SetAction(parsed => context.Guarded(() =>
        {
            string root = context.Root(parsed);
            string text = PrometheusText.Format(ApplianceMetrics.Build(Read(context, root)));
            if (parsed.GetValue(textfile) is not { } directory)
            {
                context.Output.Write(text);
                return ExitCodes.Ok;
            }

            if (!Directory.Exists(directory))
            {
                throw new FileProblemException(FileProblemKind.Missing, directory, "no such directory; create it, or point --textfile at node_exporter's --collector.textfile.directory");
            }

            Write(context, Path.Combine(directory, FileName), text);
            return ExitCodes.Ok;
        }));
        return metrics;
    }

    /// <summary>
    /// Replaces the file by rename. The temporary file is a dotfile without .prom, which the
    /// collector never reads: it sees the old file or the new one, never a half-written one.
    /// </summary>
    private static void Write(CliContext context, string path, string text)
    {
        string directory = Path.GetDirectoryName(path)!;
        try
        {
            using (DirectoryLock.Acquire(directory, LockTimeout, context.Time))
            {
                new DurableFile(context.FileSteps).Replace(path, Encoding.UTF8.GetBytes(text), FileMode);
            }
        }
        catch (TimeoutException e)
        {
            throw new FileProblemException(FileProblemKind.Busy, directory, e.Message, e);
        }
        catch (Exception e) when (FileProblems.Translates(e))
        {
            throw FileProblems.From(e, path, "run as root or as node_exporter's textfile owner");
        }
    }

    private static MetricsInput Read(CliContext context, string root)
    {
        var journal = new BootJournal(StatePaths.Under(root, StatePaths.Boots), StatePaths.Under(root, StatePaths.BootTotals), context.FileSteps, context.Error);
        JournalCounts counts = journal.Counts();
        var env = new GrubEnvFile(GrubEnvFile.DefaultPath(root), context.FileSteps, context.Time);
        var files = new WatchdogFiles(root, context.FileSteps);
        var findings = EscapeHatchProbe.Run(new TrialService(root, context.FileSteps, context.Time, context.Error));
        return new MetricsInput(counts.Boots, TrialActive(env), files.ReadResetCause(), ReadCounters(files.StatePath), counts.Totals, findings);
    }

    /// <summary>No grubenv means GRUB has nothing staged: a machine not yet set up reports 0, not an error.</summary>
    private static bool TrialActive(GrubEnvFile env)
    {
        try
        {
            return TrialState.From(env.Read()).HasTrial;
        }
        catch (FileProblemException e) when (e.Kind == FileProblemKind.Missing)
        {
            return false;
        }
    }

    private static WatchdogCounters? ReadCounters(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), ApplianceJsonContext.Default.WatchdogCounters);
        }
        catch (JsonException e)
        {
            throw new FileProblemException(FileProblemKind.Corrupt, path, $"not the watchdog daemon's state ({e.Message}); it is rewritten every few seconds while the daemon runs");
        }
    }
}
