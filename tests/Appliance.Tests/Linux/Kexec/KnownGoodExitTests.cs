using Appliance.Linux.Files;
using Appliance.Linux.Kexec;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Kexec;

/// <summary>The one way back into known-good by kexec, with the rejected trial's wording ([Boot] RejectByKexec): its note, and the fallback to the firmware.</summary>
public sealed class KnownGoodExitTests : IDisposable
{
    private readonly KexecTree _tree = new();
    private readonly FakeKexecLoader _loader;
    private readonly List<string> _notes = [];
    private readonly List<string> _callsAtNote = [];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 18, 0, 0, TimeSpan.Zero));

    public KnownGoodExitTests() => _loader = new FakeKexecLoader(_tree);

    public void Dispose() => _tree.Dispose();

    private KnownGoodExitOutcome Leave(Func<IReadOnlyList<string>>? lastStep = null) =>
        new KnownGoodExit(new KexecService(_tree.Root, _loader, LinuxFileSteps.Instance, _time)).Leave("trial 'trial' failed its checks", KnownGoodExitWords.Reject, note =>
        {
            _notes.Add(note);
            _callsAtNote.Add(string.Join(',', _loader.Calls));
        }, lastStep: lastStep);

    [Fact]
    public void Leave_Reject_LoadsKnownGoodNotesAfterTheLoadThenJumps()
    {
        var outcome = Leave();

        Assert.Equal(new KnownGoodExitOutcome(true, null), outcome);
        Assert.Equal(["load-soft", "execute"], _loader.Calls);
        Assert.Contains("appliance.entry=good", _loader.Loaded?.CommandLine);
        Assert.Equal(["back to 'good' by kexec, without a firmware pass"], _notes);
        Assert.Equal(["load-soft"], _callsAtNote);
    }

    [Fact]
    public void Leave_LastStep_RunsAfterTheLoadAndItsLinesReachTheNote()
    {
        int steps = 0;
        var words = KnownGoodExitWords.Rescue;

        var outcome = new KnownGoodExit(new KexecService(_tree.Root, _loader, LinuxFileSteps.Instance, _time)).Leave("crashed", words, _notes.Add, lastStep: () =>
        {
            steps++;
            Assert.Equal(["load-soft"], _loader.Calls);
            return ["watchdog0 petted right before the jump"];
        });

        Assert.True(outcome.Kexeced);
        Assert.Equal(1, steps);
        Assert.EndsWith("without a firmware pass (watchdog0 petted right before the jump)", Assert.Single(_notes));
    }

    [Fact]
    public void Leave_LoadRefused_FirmwareWithTheRejectNoteAndNoLastStep()
    {
        _loader.Failure = FakeKexecLoader.Refused(1);
        int steps = 0;

        var outcome = Leave(() =>
        {
            steps++;
            return [];
        });

        Assert.False(outcome.Kexeced);
        Assert.Equal(_loader.Failure.Message, outcome.Failure);
        Assert.Equal(["load-soft"], _loader.Calls);
        Assert.Equal(0, steps);
        Assert.Equal([$"the kexec into known-good failed ({_loader.Failure.Message}), so it rebooted through the firmware"], _notes);
    }

    [Fact]
    public void Leave_NoKnownGoodInGrubenv_FirmwareWithoutLoading()
    {
        using var tree = new KexecTree(good: null);
        var loader = new FakeKexecLoader(tree);

        var outcome = new KnownGoodExit(new KexecService(tree.Root, loader, LinuxFileSteps.Instance, _time)).Leave("failed", KnownGoodExitWords.Reject, _notes.Add);

        Assert.False(outcome.Kexeced);
        Assert.Empty(loader.Calls);
        Assert.StartsWith("the kexec into known-good failed (no entry given and grubenv has no ", Assert.Single(_notes));
    }
}
