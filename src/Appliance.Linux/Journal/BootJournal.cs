using System.Text.Json;
using Appliance.Core.Collections;
using Appliance.Core.Journal;
using Appliance.Core.Json;
using Appliance.Core.Metrics;
using Appliance.Linux.Files;

namespace Appliance.Linux.Journal;

/// <summary>
/// The per-boot journal: one JSON file per boot attempt, named by boot id, each written
/// atomically and durably, so a record is whole or absent and re-validating the same boot
/// replaces its record rather than adding one. Old records beyond <see cref="Keep"/> are pruned,
/// their counts folded first into the totals file (<see cref="MetricTotals"/>), so the metrics'
/// counters outlive them. Writers and the metrics hold the journal directory's lock.
/// </summary>
public sealed class BootJournal
{
    public const int Keep = 100;

    private const UnixFileMode RecordMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    // Another writer holds the lock only to write one record and prune.
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    private readonly IFileSteps _steps;
    private readonly DurableFile _writer;
    private readonly TextWriter _warnings;

    /// <param name="directory">The records' directory (<see cref="StatePaths.Boots"/>).</param>
    /// <param name="totalsPath">The pruned records' totals (<see cref="StatePaths.BootTotals"/>).</param>
    public BootJournal(string directory, string totalsPath, IFileSteps steps, TextWriter warnings)
    {
        Directory = directory;
        TotalsPath = totalsPath;
        _steps = steps;
        _writer = new DurableFile(steps);
        _warnings = warnings;
    }

    public string Directory { get; }

    public string TotalsPath { get; }

    public BootRecord? Find(string bootId) =>
        JournalNames.IsValidBootId(bootId) ? TryRead(PathOf(bootId)) : null;

    public void Write(BootRecord record)
    {
        if (!JournalNames.IsValidBootId(record.BootId))
        {
            throw new FileProblemException(FileProblemKind.InvalidChange, Directory, $"'{record.BootId}' is not a boot id");
        }

        System.IO.Directory.CreateDirectory(Directory);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(record, ApplianceJsonContext.Default.BootRecord);
        using (Lock())
        {
            _writer.Replace(PathOf(record.BootId), [.. json, (byte)'\n'], RecordMode);
            Prune();
        }
    }

    /// <summary>
    /// The records and the pruned records' totals, read together under the lock: read apart, a
    /// prune between the two reads would leave records counted twice or not at all.
    /// </summary>
    public JournalCounts Counts()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return new JournalCounts([], ReadTotals());
        }

        using (Lock())
        {
            return new JournalCounts(All(), ReadTotals());
        }
    }

    /// <summary>The pruned records' totals; zero when none has been pruned yet. A damaged file is an error, not zero: zero would read as a counter reset.</summary>
    public MetricTotals ReadTotals() =>
        StateJsonFile.Read(TotalsPath, ApplianceJsonContext.Default.MetricTotals, "the boot journal's totals",
            $"restore it from a backup, or remove it to restart the boot counters from the {Keep} records the journal keeps (Prometheus sees that as one counter reset)",
            t => t.Problem())
        ?? MetricTotals.Zero;

    /// <summary>Every readable record, oldest first. Unreadable ones are reported and skipped.</summary>
    public IReadOnlyList<BootRecord> All()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var records = new List<BootRecord>();
        foreach (string path in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            if (TryRead(path) is { } record)
            {
                records.Add(record);
            }
        }

        return records.SortedBy(r => r.Time);
    }

    private string PathOf(string bootId) => Path.Combine(Directory, bootId + ".json");

    private BootRecord? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), ApplianceJsonContext.Default.BootRecord) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            _warnings.WriteLine($"appliance: {path}: unreadable journal record ({e.Message}), ignoring");
            return null;
        }
    }

    private DirectoryLock Lock()
    {
        try
        {
            return DirectoryLock.Acquire(Directory, LockTimeout, TimeProvider.System);
        }
        catch (TimeoutException e)
        {
            throw new FileProblemException(FileProblemKind.Busy, Directory, e.Message, e);
        }
    }

    /// <summary>
    /// Deletes all but the newest <see cref="Keep"/> records, after writing durably the totals
    /// with them counted in. The totals name the records they hold, so a crash before the
    /// deletions finish leaves them counted once: the next prune and the metrics skip them.
    /// </summary>
    private void Prune()
    {
        var files = System.IO.Directory.EnumerateFiles(Directory, "*.json")
            .Map(f => new FileInfo(f))
            .SortedByDescending(f => f.LastWriteTimeUtc);
        if (files.Count <= Keep)
        {
            return;
        }

        List<FileInfo> pruning = files.From(Keep);
        MetricTotals totals = ReadTotals().Fold(All(), pruning.Map(f => Path.GetFileNameWithoutExtension(f.Name)));
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(totals, ApplianceJsonContext.Default.MetricTotals);
        _writer.Replace(TotalsPath, [.. json, (byte)'\n'], RecordMode);
        foreach (FileInfo file in pruning)
        {
            _steps.Delete(file.FullName);
        }

        // The next prune forgets the ids of records it no longer finds: their deletion must be
        // on disk by then, or a crash could bring them back uncounted-as-folded.
        _steps.FsyncDirectory(Directory);
    }
}

/// <summary>The journal's records, oldest first, and the totals of those it has pruned, read together.</summary>
public sealed record JournalCounts(IReadOnlyList<BootRecord> Boots, MetricTotals Totals);
