using System.Text.Json;
using Appliance.Core.Health;
using Appliance.Core.Journal;
using Appliance.Core.Metrics;
using Appliance.Linux.Files;
using Appliance.Linux.Journal;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Journal;

/// <summary>
/// The journal's counters survive pruning (issue #14): the totals file holds what pruned records
/// counted, so <c>appliance metrics</c>' counters never go down, even across a crash mid-prune.
/// </summary>
public sealed class BootJournalTotalsTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    private readonly TempDir _dir = new();
    private readonly StringWriter _warnings = new();

    public void Dispose() => _dir.Dispose();

    private string JournalDirectory => _dir.File("journal");

    private string TotalsPath => _dir.File("totals.json");

    [Fact]
    public void Write_250MixedRecords_NoCounterEverDecreasesAndFinalCountersAreExact()
    {
        var history = History(250);
        var previous = new Dictionary<string, double>();
        int keptReasons = 0;

        for (int i = 0; i < history.Count; i++)
        {
            Write(LinuxFileSteps.Instance, history[i], i);

            var now = Counters(Journal(LinuxFileSteps.Instance).Counts());
            foreach (var (series, value) in previous)
            {
                Assert.True(now.TryGetValue(series, out double current), $"after record {i}: {series} vanished");
                Assert.True(current >= value, $"after record {i}: {series} went from {value} down to {current}");
            }

            Assert.Equal(i + 1, now["appliance_boot_attempts_total"]);
            keptReasons += Journal(LinuxFileSteps.Instance).ReadTotals().RollbackReasons.Count;
            previous = now;
        }

        Assert.Equal(BootJournal.Keep, Directory.GetFiles(JournalDirectory, "*.json").Length);
        Assert.Equal(Exact(history), previous);
        Assert.Equal(250, Exact(history)["appliance_boot_attempts_total"]);
        Assert.True(Exact(history)["appliance_rollbacks_total{reason=crashed}"] > 0);

        // The history puts rejections at the pruning edge with their after-rejection boots kept,
        // the case in which a kept record's reason comes from a pruned one.
        Assert.True(keptReasons > 0, "no kept rollback's reason ever came from a pruned rejection");
    }

    [Fact]
    public void Write_CrashBeforeOrAfterEveryStepOfAPrune_NextPruneCountsEveryRecordOnce()
    {
        var history = History(BootJournal.Keep + 8);
        int full = BootJournal.Keep + 5;
        List<string> steps = StepsOfOnePrune(history, full);
        Assert.Equal(
            ["CreateExclusive", "Write", "Fsync", "Rename", "FsyncDirectory",
             "CreateExclusive", "Write", "SetOwner", "Fsync", "Rename", "FsyncDirectory", "Delete", "FsyncDirectory"],
            steps);

        for (int k = 0; k < steps.Count; k++)
        {
            foreach (bool after in new[] { false, true })
            {
                RestoreFullJournal(history, full);
                var crashing = new CrashingFileSteps(k, after);
                Assert.IsType<SimulatedCrashException>(Record.Exception(() => Write(crashing, history[full], full)));
                string context = $"crash {crashing.CrashedAt}";

                // Whatever reached the disk is counted exactly once, now and after the next prunes.
                string crashed = Path.Combine(JournalDirectory, history[full].BootId + ".json");
                bool kept = File.Exists(crashed);
                if (kept)
                {
                    File.SetLastWriteTimeUtc(crashed, DateTime.UnixEpoch.AddMinutes(full));
                }

                var written = kept ? history.Take(full + 1).ToList() : history.Take(full).ToList();
                Assert.Equal(Show(context, Exact(written)), Show(context, Counters(Journal(LinuxFileSteps.Instance).Counts())));

                for (int i = full + 1; i < history.Count; i++)
                {
                    Write(LinuxFileSteps.Instance, history[i], i);
                    written.Add(history[i]);
                }

                Assert.Equal(Show(context, Exact(written)), Show(context, Counters(Journal(LinuxFileSteps.Instance).Counts())));
                Assert.Equal(BootJournal.Keep, Directory.GetFiles(JournalDirectory, "*.json").Length);
            }
        }
    }

    [Fact]
    public void Counts_NoTotalsFile_StartsFromZero()
    {
        var history = History(3);
        for (int i = 0; i < history.Count; i++)
        {
            Write(LinuxFileSteps.Instance, history[i], i);
        }

        var counts = Journal(LinuxFileSteps.Instance).Counts();

        Assert.False(File.Exists(TotalsPath));
        Assert.Equal(0, counts.Totals.BootAttempts);
        Assert.Equal(Exact(history), Counters(counts));
    }

    [Fact]
    public void Write_FirstPrune_TotalsFileHoldsThePrunedRecordInSnakeCase()
    {
        var history = History(BootJournal.Keep + 1);
        for (int i = 0; i < history.Count; i++)
        {
            Write(LinuxFileSteps.Instance, history[i], i);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(TotalsPath));

        Assert.Equal(1, json.RootElement.GetProperty("boot_attempts").GetInt64());
        Assert.Equal([history[0].BootId], json.RootElement.GetProperty("folded_boot_ids").EnumerateArray().Select(e => e.GetString()));
        Assert.True(json.RootElement.TryGetProperty("rollbacks", out _));
        Assert.True(json.RootElement.TryGetProperty("check_failures", out _));
    }

    [Theory]
    [InlineData("{\"boot_attempts\":")]
    [InlineData("null")]
    [InlineData("{\"boot_attempts\":-3}")]
    [InlineData("{\"rollbacks\":{\"crashed\":\"many\"}}")]
    public void Counts_CorruptTotalsFile_ErrorNamesTheFileAndWhatToDo(string contents)
    {
        Write(LinuxFileSteps.Instance, History(1)[0], 0);
        File.WriteAllText(TotalsPath, contents);

        var e = Assert.Throws<FileProblemException>(() => Journal(LinuxFileSteps.Instance).Counts());

        Assert.Equal(FileProblemKind.Corrupt, e.Kind);
        Assert.Contains(TotalsPath, e.Message);
        Assert.Contains("restore it from a backup, or remove it", e.Message);
    }

    [Fact]
    public void Write_PruneWithCorruptTotalsFile_RecordKeptNothingDeletedTotalsLeftAsTheyAre()
    {
        var history = History(BootJournal.Keep + 1);
        for (int i = 0; i < BootJournal.Keep; i++)
        {
            Write(LinuxFileSteps.Instance, history[i], i);
        }

        File.WriteAllText(TotalsPath, "{not json");

        var e = Assert.Throws<FileProblemException>(() => Write(LinuxFileSteps.Instance, history[^1], BootJournal.Keep));

        Assert.Contains(TotalsPath, e.Message);
        Assert.Equal("{not json", File.ReadAllText(TotalsPath));
        Assert.Equal(BootJournal.Keep + 1, Directory.GetFiles(JournalDirectory, "*.json").Length);
    }

    /// <summary>
    /// Boots in a mix of every kind the counters tell apart, oldest first, a minute apart:
    /// healthy, unhealthy with failing checks, rollbacks for each reason (a rejection followed by
    /// its after-rejection boot for checks, a crash and mark-bad), commits.
    /// </summary>
    private static List<BootRecord> History(int count)
    {
        var random = new Random(14);
        var records = new List<BootRecord>();
        while (records.Count < count)
        {
            string trial = $"t{records.Count}";
            switch (random.Next(8))
            {
                case 0:
                    records.Add(Boot(records.Count, "normal", "unhealthy", failing: random.Next(2) == 0 ? ["load"] : ["50-app", "load", "load"]));
                    break;
                case 1:
                    records.Add(Boot(records.Count, "trial", "rejected", trial, failing: ["50-app"]));
                    records.Add(Boot(records.Count, "after-rejection", "rolled-back", trial));
                    break;
                case 2:
                    records.Add(Boot(records.Count, "rescue", "rejected", trial));
                    records.Add(Boot(records.Count, "after-rejection", "rolled-back", trial));
                    break;
                case 3:
                    records.Add(Boot(records.Count, "trial", "rejected", trial));
                    records.Add(Boot(records.Count, "after-rejection", "rolled-back", trial));
                    break;
                case 4:
                    records.Add(Boot(records.Count, "rolled-back", "rolled-back", trial));
                    break;
                case 5:
                    records.Add(Boot(records.Count, "fell-back", "rolled-back", trial));
                    break;
                case 6:
                    records.Add(Boot(records.Count, "trial", "committed", trial));
                    break;
                default:
                    records.Add(Boot(records.Count, "normal", "good"));
                    break;
            }
        }

        return records.Take(count).ToList();
    }

    private static BootRecord Boot(int n, string path, string result, string? trial = null, string[]? failing = null) => new()
    {
        BootId = $"0f1e2d3c-0000-4000-8000-{n:x12}",
        Time = T0.AddMinutes(n),
        Path = path,
        Result = result,
        Message = result,
        Trial = trial,
        FailingChecks = (failing ?? []).Select(f => new FailingCheck(f, CheckResult.Fail, "failed")).ToList(),
    };

    /// <summary>The counter series as a journal that never pruned would count them.</summary>
    private static Dictionary<string, double> Exact(IReadOnlyList<BootRecord> everything) =>
        Series(ApplianceMetrics.Build(new MetricsInput(everything, false, null, null)));

    private static Dictionary<string, double> Counters(JournalCounts counts) =>
        Series(ApplianceMetrics.Build(new MetricsInput(counts.Boots, false, null, null, counts.Totals)));

    private static Dictionary<string, double> Series(IReadOnlyList<MetricFamily> families) =>
        families.Where(f => f.Type == MetricType.Counter)
            .SelectMany(f => f.Samples.Select(s => (Key: f.Name + (s.Labels.Count == 0 ? "" : "{" + string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}")) + "}"), s.Value)))
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .ToDictionary(s => s.Key, s => s.Value);

    private static string Show(string context, Dictionary<string, double> series) =>
        context + ": " + string.Join(" ", series.Select(s => $"{s.Key}={s.Value}"));

    private BootJournal Journal(IFileSteps steps) => new(JournalDirectory, TotalsPath, steps, _warnings);

    /// <summary>Writes record <paramref name="n"/> with a modification time n minutes into 1970, so the prune's order is the history's.</summary>
    private void Write(IFileSteps steps, BootRecord record, int n)
    {
        Journal(steps).Write(record);
        File.SetLastWriteTimeUtc(Path.Combine(JournalDirectory, record.BootId + ".json"), DateTime.UnixEpoch.AddMinutes(n));
    }

    /// <summary>Writes the first <paramref name="full"/> records (pruning as it goes) and keeps a copy of the result, which <see cref="RestoreFullJournal"/> puts back.</summary>
    private List<string> StepsOfOnePrune(List<BootRecord> history, int full)
    {
        ResetDirectory();
        for (int i = 0; i < full; i++)
        {
            Write(LinuxFileSteps.Instance, history[i], i);
        }

        Directory.CreateDirectory(_dir.File("full"));
        foreach (string file in Directory.GetFiles(JournalDirectory))
        {
            File.Copy(file, Path.Combine(_dir.File("full"), Path.GetFileName(file)));
        }

        File.Copy(TotalsPath, _dir.File("full-totals.json"));
        var logging = new CrashingFileSteps(int.MaxValue, afterStep: false);
        Write(logging, history[full], full);
        return logging.Log;
    }

    /// <summary>The journal as <see cref="StepsOfOnePrune"/> left it before its logged write, modification times included; copied rather than rewritten, as a thousand fsyncs take seconds.</summary>
    private void RestoreFullJournal(List<BootRecord> history, int full)
    {
        ResetDirectory();
        Directory.CreateDirectory(JournalDirectory);
        for (int i = 0; i < full; i++)
        {
            string name = history[i].BootId + ".json";
            if (File.Exists(Path.Combine(_dir.File("full"), name)))
            {
                File.Copy(Path.Combine(_dir.File("full"), name), Path.Combine(JournalDirectory, name));
                File.SetLastWriteTimeUtc(Path.Combine(JournalDirectory, name), DateTime.UnixEpoch.AddMinutes(i));
            }
        }

        File.Copy(_dir.File("full-totals.json"), TotalsPath);
    }

    private void ResetDirectory()
    {
        if (Directory.Exists(JournalDirectory))
        {
            Directory.Delete(JournalDirectory, recursive: true);
        }

        File.Delete(TotalsPath);
    }
}
