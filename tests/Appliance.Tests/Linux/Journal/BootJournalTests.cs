using Appliance.Core.Journal;
using Appliance.Linux.Files;
using Appliance.Linux.Journal;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Journal;

public sealed class BootJournalTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly StringWriter _warnings = new();

    public void Dispose() => _dir.Dispose();

    private BootJournal Journal() => new(_dir.File("journal"), _dir.File("totals.json"), LinuxFileSteps.Instance, _warnings);

    private static BootRecord Record(string bootId, int minute, string result = "good") => new()
    {
        BootId = bootId,
        Time = new DateTimeOffset(2026, 11, 22, 6, minute, 0, TimeSpan.Zero),
        Path = "normal",
        Result = result,
        Message = "boot is healthy",
        Entry = "good",
        FailingChecks = [new FailingCheck("load", Appliance.Core.Health.CheckResult.Fail, "load 9.1 > 4")],
    };

    [Fact]
    public void Write_ThenFind_RoundTripsEveryField()
    {
        var record = Record("0f1e2d3c-0000-4000-8000-000000000001", 1);

        Journal().Write(record);
        var found = Journal().Find(record.BootId);

        Assert.NotNull(found);
        Assert.Equal(record.BootId, found.BootId);
        Assert.Equal(record.Time, found.Time);
        Assert.Equal(record.FailingChecks, found.FailingChecks);
    }

    [Fact]
    public void Write_SameBootTwice_KeepsOneRecord()
    {
        Journal().Write(Record("aa-01", 1, "rejected"));
        Journal().Write(Record("aa-01", 2, "rejected"));

        Assert.Single(Journal().All());
    }

    [Fact]
    public void All_OrdersByTime_AndSkipsCorruptRecordWithWarning()
    {
        Journal().Write(Record("bb-02", 5));
        Journal().Write(Record("bb-01", 1));
        File.WriteAllText(Path.Combine(_dir.File("journal"), "cc-03.json"), "{\"boot_id\":");

        var all = Journal().All();

        Assert.Equal(new[] { "bb-01", "bb-02" }, all.Select(r => r.BootId));
        Assert.Contains("cc-03.json: unreadable journal record", _warnings.ToString());
        Assert.Contains(", ignoring", _warnings.ToString());
    }

    [Fact]
    public void Write_MoreThanKeep_PrunesOldest()
    {
        for (int i = 0; i < BootJournal.Keep + 5; i++)
        {
            Journal().Write(Record($"dd-{i:x4}", i % 60));
            File.SetLastWriteTimeUtc(Path.Combine(_dir.File("journal"), $"dd-{i:x4}.json"), DateTime.UnixEpoch.AddMinutes(i));
        }

        Assert.Equal(BootJournal.Keep, Directory.GetFiles(_dir.File("journal"), "*.json").Length);
        Assert.False(File.Exists(Path.Combine(_dir.File("journal"), "dd-0000.json")));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Write_BootIdNotAUuid_RefusedWithoutWriting(string bootId)
    {
        Assert.Throws<FileProblemException>(() => Journal().Write(Record(bootId, 1)));
        Assert.False(Directory.Exists(_dir.File("journal")) && Directory.GetFiles(_dir.File("journal")).Length > 0);
    }
}
