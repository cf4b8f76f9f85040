using System.Text.Json;
using Appliance.Core.Boot;
using Appliance.Linux.Boot;
using Appliance.Linux.Files;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Boot;

/// <summary>
/// The trial service on fake trees: one decision written to grubenv per verb, and the writes
/// after it (journal, hooks) never undo or block it.
/// </summary>
public sealed class TrialServiceTests : IDisposable
{
    private readonly TrialTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private TrialService Service() => new(_tree.Root, LinuxFileSteps.Instance, new FakeTimeProvider(), TextWriter.Null);

    /// <summary>A sick trial has booted; /var/lib/appliance is a file, so no journal can be written under it.</summary>
    private void SickTrialWithJournalBlocked()
    {
        _tree.RequiredCheck("50-app", 1, "app did not answer");
        Assert.Equal(0, _tree.Run("upgrade", "stage", "trial").ExitCode);
        _tree.GrubBoots();
        _tree.Write("var/lib/appliance", "not a directory");
    }

    [Fact]
    public void Validate_SickTrialJournalUnwritable_RejectsAndWantsRebootAndNamesTheJournal()
    {
        SickTrialWithJournalBlocked();

        var result = Service().Validate(TimeSpan.FromSeconds(30));

        Assert.Equal(ValidationOutcome.Rejected, result.Outcome);
        Assert.True(result.Reboot);
        Assert.Equal("trial", _tree.State.Failed);
        Assert.Null(_tree.State.Trial);
        Assert.Contains(result.SecondaryProblems, p => p.Contains("boot journal", StringComparison.Ordinal) && p.Contains("var/lib/appliance", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_JournalUnwritableThenFixed_NextBootStillRecordsTheRollback()
    {
        SickTrialWithJournalBlocked();
        Service().Validate(TimeSpan.FromSeconds(30));
        File.Delete(_tree.Dir.File("var/lib/appliance"));
        _tree.RequiredCheck("50-app", 0, "fine");

        string next = _tree.GrubBoots();
        var service = Service();
        var result = service.Validate(TimeSpan.FromSeconds(30));

        Assert.Equal("good", next);
        Assert.Empty(result.SecondaryProblems);
        var record = Assert.Single(service.Journal.All());
        Assert.Equal("trial", record.Trial);
        Assert.Equal("good", record.Entry);
    }

    [Fact]
    public void Commit_JournalUnwritable_CommitsAndReportsTheJournal()
    {
        Assert.Equal(0, _tree.Run("upgrade", "stage", "trial").ExitCode);
        _tree.GrubBoots();
        _tree.Write("var/lib/appliance", "not a directory");

        var result = Service().Commit("upgrade commit");

        Assert.Equal(ValidationOutcome.Committed, result.Outcome);
        Assert.Equal("trial", _tree.State.Good);
        Assert.NotEmpty(result.SecondaryProblems);
    }

    [Fact]
    public void Abort_NoTrial_NothingToDoAndGrubenvUntouched()
    {
        byte[] before = _tree.GrubEnvBytes;

        var result = Service().Abort();

        Assert.Equal(TrialEnd.NothingToDo, result.End);
        Assert.Equal(before, _tree.GrubEnvBytes);
    }
}

/// <summary>How a decision was carried out, added to the boot's journal record afterwards.</summary>
public sealed class TrialServiceNoteTests : IDisposable
{
    private readonly TrialTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private TrialService Service() => new(_tree.Root, LinuxFileSteps.Instance, new FakeTimeProvider(), TextWriter.Null);

    [Fact]
    public void NoteOnThisBoot_RecordedBoot_AppendedToItsMessage()
    {
        _tree.RequiredCheck("50-app", 1, "app did not answer");
        Assert.Equal(0, _tree.Run("upgrade", "stage", "trial").ExitCode);
        _tree.GrubBoots();
        Service().Validate(TimeSpan.FromSeconds(30));

        var problems = Service().NoteOnThisBoot("back to 'good' by kexec, without a firmware pass");

        Assert.Empty(problems);
        Assert.EndsWith("; back to 'good' by kexec, without a firmware pass", Assert.Single(Service().Journal.All()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoteOnThisBoot_BootNotRecorded_NothingWritten()
    {
        Assert.Empty(Service().NoteOnThisBoot("anything"));
        Assert.Empty(Service().Journal.All());
    }

    /// <summary>A trial with no crash kernel panicked on its last try; pstore (efi-pstore on UEFI) kept the log.</summary>
    [Fact]
    public void Validate_TriesExhaustedWithPstoreRecord_RollbackNamesThePanicAndFreesTheRecord()
    {
        Assert.True(_tree.Run("upgrade", "stage", "trial", "--tries", "1").ExitCode == 0);
        Assert.Equal("trial", _tree.GrubBoots());
        Assert.Equal("good", _tree.GrubBoots());
        string record = _tree.Write("sys/fs/pstore/dmesg-efi-179658927901001", "Panic#1 Part1\n<0>[   12.000000] Kernel panic - not syncing: sysrq triggered crash\n");

        var result = Service().Validate(TimeSpan.FromSeconds(30));
        var status = _tree.Run("status", "--json");

        Assert.Equal(BootKind.RolledBack, result.Kind);
        Assert.Contains("sysrq triggered crash", status.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(record), "the record should be freed once its excerpt is in the journal");
    }

    /// <summary>The known-good kernel crashed once (panic=1, pstore kept it); later a trial panics with no crash kernel.</summary>
    [Fact]
    public void Validate_OldCrashInPstoreOnPlainBoot_SavedThereAndNotNamedByALaterRollback()
    {
        Assert.Equal("good", _tree.GrubBoots());
        string old = _tree.Write("sys/fs/pstore/dmesg-efi-179658000000001", "Panic#1 Part1\n<0>[  300.000000] Kernel panic - not syncing: hung_task: blocked tasks\n");
        var plain = Service().Validate(TimeSpan.FromSeconds(30));
        Assert.Equal(BootKind.Normal, plain.Kind);
        Assert.False(File.Exists(old), "a plain boot should save and free what pstore holds");
        Assert.Contains(Assert.Single(Service().Journal.All()).Forensics, f => f.Contains("hung_task: blocked tasks", StringComparison.Ordinal));

        Assert.True(_tree.Run("upgrade", "stage", "trial", "--tries", "1").ExitCode == 0);
        Assert.Equal("trial", _tree.GrubBoots());
        Assert.Equal("good", _tree.GrubBoots());
        _tree.Write("sys/fs/pstore/dmesg-efi-179658927901001", "Panic#1 Part1\n<0>[   12.000000] Kernel panic - not syncing: sysrq triggered crash\n");
        var rollback = Service().Validate(TimeSpan.FromSeconds(30));
        using var status = JsonDocument.Parse(_tree.Run("status", "--json").Stdout);
        string? named = status.RootElement.GetProperty("rollback").GetString();

        Assert.Equal(BootKind.RolledBack, rollback.Kind);
        Assert.Contains("sysrq triggered crash", named, StringComparison.Ordinal);
        Assert.DoesNotContain("hung_task", named, StringComparison.Ordinal);
    }
}
