using System.Text.Json;
using Appliance.Core.Collections;
using Appliance.Core.Journal;
using Appliance.Core.Json;
using Appliance.Linux.Files;

namespace Appliance.Linux.Journal;

/// <summary>
/// The per-boot journal: one JSON file per boot attempt, named by boot id, each written
/// atomically and durably, so a record is whole or absent and re-validating the same boot
/// replaces its record rather than adding one. Old records beyond <see cref="Keep"/> are pruned.
/// </summary>
public sealed class BootJournal
{
    public const int Keep = 100;

    private const UnixFileMode RecordMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly DurableFile _writer;
    private readonly TextWriter _warnings;

    public BootJournal(string directory, IFileSteps steps, TextWriter warnings)
    {
        Directory = directory;
        _writer = new DurableFile(steps);
        _warnings = warnings;
    }

    public string Directory { get; }

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
        _writer.Replace(PathOf(record.BootId), [.. json, (byte)'\n'], RecordMode);
        Prune();
    }

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

    private void Prune()
    {
        var files = System.IO.Directory.EnumerateFiles(Directory, "*.json")
            .Map(f => new FileInfo(f))
            .SortedByDescending(f => f.LastWriteTimeUtc);
        for (int i = Keep; i < files.Count; i++)
        {
            files[i].Delete();
        }
    }
}
