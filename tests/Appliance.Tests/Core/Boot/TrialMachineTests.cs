using Appliance.Core.Boot;
using Appliance.Core.Grubenv;

namespace Appliance.Tests.Core.Boot;

public sealed class TrialMachineTests
{
    private static TrialState Apply(TrialState state, EnvEdit edit)
    {
        var block = ToBlock(state);
        edit.ApplyTo(block);
        return TrialState.From(block);
    }

    private static GrubEnvBlock ToBlock(TrialState state)
    {
        var block = GrubEnvBlock.Create();
        void Put(string name, object? value)
        {
            if (value is not null)
            {
                block.Set(name, value.ToString()!);
            }
        }

        Put(TrialVariables.Trial, state.Trial);
        Put(TrialVariables.Tries, state.Tries);
        Put(TrialVariables.Good, state.Good);
        Put(TrialVariables.Boot, state.Boot);
        Put(TrialVariables.Failed, state.Failed);
        Put(TrialVariables.SavedEntry, state.SavedEntry);
        return block;
    }

    /// <summary>What the real grub/appliance.cfg does to the block before a boot (<see cref="Appliance.Tests.Support.GrubTrialScript"/>).</summary>
    private static TrialState GrubBoots(TrialState s)
    {
        var block = ToBlock(s);
        Appliance.Tests.Support.GrubTrialScript.Boot(block);
        return TrialState.From(block);
    }

    private static readonly TrialState Idle = TrialState.Empty with { Good = "good", SavedEntry = "good" };

    [Fact]
    public void Stage_FromIdle_SetsTrialTriesAndGood()
    {
        var staged = Apply(Idle, TrialMachine.Stage(Idle, "trial", "good", 3));

        Assert.Equal(Idle with { Trial = "trial", Tries = 3 }, staged);
    }

    [Fact]
    public void Stage_Twice_IsIdempotent()
    {
        var once = Apply(Idle, TrialMachine.Stage(Idle, "trial", "good", 3));

        var twice = Apply(once, TrialMachine.Stage(once, "trial", "good", 3));

        Assert.Equal(once, twice);
    }

    [Fact]
    public void Stage_AnotherTrialStaged_RefusedAsConflict()
    {
        var staged = Apply(Idle, TrialMachine.Stage(Idle, "trial", "good", 3));

        var e = Assert.Throws<TrialException>(() => TrialMachine.Stage(staged, "other", "good", 3));

        Assert.Equal(TrialErrorKind.Conflict, e.Kind);
        Assert.Contains("upgrade abort", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(-1)]
    public void Stage_TriesOutOfRange_RefusedAsInvalid(int tries)
    {
        var e = Assert.Throws<TrialException>(() => TrialMachine.Stage(Idle, "trial", "good", tries));

        Assert.Equal(TrialErrorKind.Invalid, e.Kind);
    }

    [Fact]
    public void Stage_TrialIsKnownGood_RefusedAsInvalid()
    {
        Assert.Throws<TrialException>(() => TrialMachine.Stage(Idle, "good", "good", 3));
    }

    [Fact]
    public void Stage_AfterFailedTrial_ClearsFailureAndBoot()
    {
        var failed = Idle with { Failed = "old", Boot = TrialMachine.BootRejected };

        var staged = Apply(failed, TrialMachine.Stage(failed, "trial", "good", 2));

        Assert.Null(staged.Failed);
        Assert.Null(staged.Boot);
    }

    [Fact]
    public void Validate_HealthyTrial_CommitsAndBecomesDefault()
    {
        var running = GrubBoots(Apply(Idle, TrialMachine.Stage(Idle, "trial", "good", 3)));
        var kind = TrialMachine.Assess(running, "trial", isRescue: false);

        var decision = TrialMachine.Decide(running, kind, healthy: true);
        var after = Apply(running, decision.Edit);

        Assert.Equal(BootKind.Trial, kind);
        Assert.Equal(ValidationOutcome.Committed, decision.Outcome);
        Assert.False(decision.Reboot);
        Assert.Equal(TrialState.Empty with { Good = "trial", SavedEntry = "trial" }, after);
    }

    [Fact]
    public void Validate_UnhealthyTrial_RejectsAndRebootsIntoKnownGood()
    {
        var running = GrubBoots(Apply(Idle, TrialMachine.Stage(Idle, "trial", "good", 3)));

        var decision = TrialMachine.Decide(running, BootKind.Trial, healthy: false);
        var after = Apply(running, decision.Edit);
        var nextBoot = GrubBoots(after);

        Assert.Equal(ValidationOutcome.Rejected, decision.Outcome);
        Assert.True(decision.Reboot);
        Assert.Null(after.Trial);
        Assert.Equal("trial", after.Failed);
        Assert.Equal(BootKind.AfterRejection, TrialMachine.Assess(nextBoot, "good", isRescue: false));
    }

    [Fact]
    public void Validate_AfterRejection_RecordsRollbackThenIsNormal()
    {
        var rejected = Idle with { Boot = TrialMachine.BootRejected, Failed = "trial" };

        var decision = TrialMachine.Decide(rejected, BootKind.AfterRejection, healthy: true);
        var after = Apply(rejected, decision.Edit);

        Assert.Equal(ValidationOutcome.RolledBack, decision.Outcome);
        Assert.Contains("'trial' was rejected", decision.Message);
        Assert.Equal(BootKind.Normal, TrialMachine.Assess(after, "good", isRescue: false));
        Assert.Equal("trial", after.Failed);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(9)]
    public void GrubCountdown_TrialNeverValidated_RollsBackAfterExactlyNTries(int tries)
    {
        var state = Apply(Idle, TrialMachine.Stage(Idle, "trial", "good", tries));
        int trialBoots = 0;
        while (true)
        {
            state = GrubBoots(state);
            if (state.Boot == TrialMachine.BootRollback)
            {
                break;
            }

            trialBoots++;
            Assert.True(trialBoots <= tries, "GRUB booted the trial more often than its tries");
        }

        Assert.Equal(tries, trialBoots);
        Assert.Equal(BootKind.RolledBack, TrialMachine.Assess(state, "good", isRescue: false));
        var decision = TrialMachine.Decide(state, BootKind.RolledBack, healthy: true);
        Assert.Equal(ValidationOutcome.RolledBack, decision.Outcome);
        Assert.Contains("used all its tries", decision.Message);
        Assert.Null(Apply(state, decision.Edit).Boot);
    }

    [Fact]
    public void Assess_TrialChosenButOtherEntryRunning_IsFellBack()
    {
        var running = GrubBoots(Apply(Idle, TrialMachine.Stage(Idle, "trial", "good", 3)));

        var kind = TrialMachine.Assess(running, "good", isRescue: false);
        var decision = TrialMachine.Decide(running, kind, healthy: true);

        var after = Apply(running, decision.Edit);
        Assert.Equal(BootKind.FellBack, kind);
        Assert.Equal(ValidationOutcome.RolledBack, decision.Outcome);
        Assert.False(decision.Reboot);
        Assert.Null(after.Trial);
        Assert.Null(after.Boot);
        Assert.Equal("trial", after.Failed);
        Assert.Equal(BootKind.Normal, TrialMachine.Assess(GrubBoots(after), "good", isRescue: false));
    }

    [Fact]
    public void Assess_RejectedTrialRunningAgain_RebootsAgainWithoutEdits()
    {
        var rejected = Idle with { Boot = TrialMachine.BootRejected, Failed = "trial" };

        var kind = TrialMachine.Assess(rejected, "trial", isRescue: false);
        var decision = TrialMachine.Decide(rejected, kind, healthy: true);

        Assert.Equal(BootKind.RejectedTrialRunning, kind);
        Assert.True(decision.Reboot);
        Assert.True(decision.Edit.IsEmpty);
        Assert.Equal(BootKind.AfterRejection, TrialMachine.Assess(rejected, "good", isRescue: false));
    }

    [Fact]
    public void Assess_StagedButNotYetBooted_IsNormal()
    {
        var staged = Apply(Idle, TrialMachine.Stage(Idle, "trial", "good", 3));

        Assert.Equal(BootKind.Normal, TrialMachine.Assess(staged, "good", isRescue: false));
        Assert.True(TrialMachine.Decide(staged, BootKind.Normal, healthy: true).Edit.IsEmpty);
    }

    [Fact]
    public void Assess_RescueKernel_WinsOverEverything()
    {
        var running = GrubBoots(Apply(Idle, TrialMachine.Stage(Idle, "trial", "good", 3)));

        var kind = TrialMachine.Assess(running, null, isRescue: true);
        var decision = TrialMachine.Decide(running, kind, healthy: true);

        Assert.Equal(BootKind.Rescue, kind);
        Assert.Equal(ValidationOutcome.Rejected, decision.Outcome);
        Assert.True(decision.Reboot);
    }

    [Fact]
    public void Commit_NotRunningTrial_RefusedAsConflict()
    {
        var staged = Apply(Idle, TrialMachine.Stage(Idle, "trial", "good", 3));

        var e = Assert.Throws<TrialException>(() => TrialMachine.Commit(staged, BootKind.Normal));

        Assert.Equal(TrialErrorKind.Conflict, e.Kind);
    }

    [Fact]
    public void Commit_NoTrial_ChangesNothing()
    {
        Assert.True(TrialMachine.Commit(Idle, BootKind.Normal).IsEmpty);
    }

    [Fact]
    public void Abort_Staged_ReturnsToIdle_AndTwiceChangesNothingMore()
    {
        var staged = Apply(Idle, TrialMachine.Stage(Idle, "trial", "good", 3));

        var aborted = Apply(staged, TrialMachine.Abort(staged));

        Assert.Equal(Idle, aborted);
        Assert.True(TrialMachine.Abort(aborted).IsEmpty);
    }

    [Fact]
    public void Decide_NormalUnhealthy_NeverReboots()
    {
        var decision = TrialMachine.Decide(Idle, BootKind.Normal, healthy: false);

        Assert.Equal(ValidationOutcome.Unhealthy, decision.Outcome);
        Assert.False(decision.Reboot);
        Assert.True(decision.Edit.IsEmpty);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("10")]
    [InlineData("")]
    public void TrialState_GarbageTries_ReadsAsNone(string tries)
    {
        var block = GrubEnvBlock.Create();
        block.Set(TrialVariables.Tries, tries);

        Assert.Null(TrialState.From(block).Tries);
    }

    [Fact]
    public void Pin_Idle_SetsKnownGoodAndSavedEntry()
    {
        var after = Apply(TrialState.Empty, TrialMachine.Pin(TrialState.Empty, "gnulinux-6.1-advanced"));

        Assert.Equal(TrialState.Empty with { Good = "gnulinux-6.1-advanced", SavedEntry = "gnulinux-6.1-advanced" }, after);
    }

    [Fact]
    public void Pin_Twice_SecondIsNoEdit()
    {
        var once = Apply(TrialState.Empty, TrialMachine.Pin(TrialState.Empty, "good"));

        Assert.True(TrialMachine.Pin(once, "good").IsEmpty);
    }

    [Fact]
    public void Pin_TrialStaged_RefusedAsConflict()
    {
        var staged = Apply(Idle, TrialMachine.Stage(Idle, "trial", "good", 3));

        var e = Assert.Throws<TrialException>(() => TrialMachine.Pin(staged, "other"));

        Assert.Equal(TrialErrorKind.Conflict, e.Kind);
    }

    [Fact]
    public void Decide_HealthyNormalBootWithoutKnownGood_PinsTheRunningEntry()
    {
        var decision = TrialMachine.Decide(TrialState.Empty, BootKind.Normal, healthy: true, running: "gnulinux-6.1-advanced");

        Assert.Equal(ValidationOutcome.Good, decision.Outcome);
        Assert.Equal("gnulinux-6.1-advanced", Apply(TrialState.Empty, decision.Edit).Good);
        Assert.Contains("known-good", decision.Message);
    }

    [Theory]
    [InlineData(false, null, "run")]
    [InlineData(true, "good", "run")]
    [InlineData(true, null, null)]
    public void Decide_NormalBootUnhealthyOrAlreadyPinnedOrUnknownEntry_WritesNothing(bool healthy, string? good, string? running)
    {
        var state = TrialState.Empty with { Good = good };

        Assert.True(TrialMachine.Decide(state, BootKind.Normal, healthy, running).Edit.IsEmpty);
    }

    [Fact]
    public void Overdue_RunningTrial_RejectedWithWhatWasStillStarting()
    {
        var running = GrubBoots(Apply(Idle, TrialMachine.Stage(Idle, "trial", "good", 3)));

        var decision = TrialMachine.Overdue(running, BootKind.Trial, TimeSpan.FromMinutes(15), "hang.service (running)");

        Assert.NotNull(decision);
        Assert.Equal(ValidationOutcome.Rejected, decision.Outcome);
        Assert.True(decision.Reboot);
        Assert.Contains("900 s", decision.Message);
        Assert.Contains("hang.service (running)", decision.Message);
        Assert.Equal(TrialMachine.BootRejected, Apply(running, decision.Edit).Boot);
    }

    [Theory]
    [InlineData(BootKind.Normal)]
    [InlineData(BootKind.FellBack)]
    [InlineData(BootKind.RolledBack)]
    [InlineData(BootKind.Rescue)]
    public void Overdue_AnyOtherBoot_Nothing(BootKind kind)
    {
        var running = GrubBoots(Apply(Idle, TrialMachine.Stage(Idle, "trial", "good", 3)));

        Assert.Null(TrialMachine.Overdue(running, kind, TimeSpan.FromMinutes(1), ""));
    }
}
