using Appliance.Core.Boot;
using Appliance.Core.Metrics;
using Appliance.Core.Quarantine;
using Appliance.Linux.Boot;
using Appliance.Linux.Files;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Boot;

/// <summary>
/// Issue 17, quarantine: every way a trial ends failed records its kernel build (release from the
/// bzImage header, SHA-256 of the file) with the journal's rollback reason, as a secondary write
/// that never blocks the way back to known-good.
/// </summary>
public sealed class TrialServiceQuarantineTests : IDisposable
{
    private const string Release = "6.2.0-1-amd64";

    private readonly TrialTree _tree = new(Release);

    public void Dispose() => _tree.Dispose();

    private TrialService Service() => new(_tree.Root, LinuxFileSteps.Instance, new FakeTimeProvider(), TextWriter.Null);

    private QuarantineEntry Quarantined() => Assert.Single(Service().Quarantine.Read().Kernels);

    private void StageAndBootTrial()
    {
        var staged = _tree.Run("upgrade", "stage", "trial");
        Assert.True(staged.ExitCode == 0, staged.ToString());
        Assert.Equal("trial", _tree.GrubBoots());
    }

    [Fact]
    public void Validate_SickTrialRejected_QuarantinedWithReleaseHashAndChecksFailed()
    {
        _tree.RequiredCheck("50-app", 1, "app did not answer");
        StageAndBootTrial();
        string bootId = File.ReadAllText(_tree.Dir.File("proc/sys/kernel/random/boot_id")).Trim();

        var result = Service().Validate(TimeSpan.FromSeconds(30));

        var entry = Quarantined();
        Assert.Equal(ValidationOutcome.Rejected, result.Outcome);
        Assert.Equal(Release, entry.Release);
        Assert.Equal(64, entry.Sha256?.Length);
        Assert.Equal(ApplianceMetrics.Reasons.ChecksFailed, entry.Reason);
        Assert.Equal(bootId, entry.BootId);
        Assert.Equal("trial", entry.Entry);
        Assert.Equal(_tree.TrialKernel, entry.Kernel);
        Assert.Contains(result.OperatorNotes, n => n.Contains("is quarantined", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_KnownGoodAfterRejection_RecordsNothingMore()
    {
        _tree.RunSickTrial();

        var entry = Quarantined();

        Assert.Equal(ApplianceMetrics.Reasons.ChecksFailed, entry.Reason);
    }

    [Fact]
    public void Deadline_TrialNeverValidated_Quarantined()
    {
        StageAndBootTrial();
        _tree.Write("proc/uptime", "5000.00 9000.00\n");

        var result = Service().Deadline(TimeSpan.FromSeconds(900));

        Assert.Equal(ValidationOutcome.Rejected, result.Outcome);
        Assert.Equal(ApplianceMetrics.Reasons.ChecksFailed, Quarantined().Reason);
    }

    [Fact]
    public void MarkBad_RunningTrial_QuarantinedAsMarkedBad()
    {
        StageAndBootTrial();

        var result = Service().MarkBad();

        Assert.True(result.Reboot);
        Assert.Equal(ApplianceMetrics.Reasons.MarkedBad, Quarantined().Reason);
    }

    [Fact]
    public void Validate_TriesExhausted_KnownGoodQuarantinesTheTrial()
    {
        var staged = _tree.Run("upgrade", "stage", "trial", "--tries", "1");
        Assert.True(staged.ExitCode == 0, staged.ToString());
        Assert.Equal("trial", _tree.GrubBoots());
        // The trial hung before userspace: no validator ran; GRUB's next pass has no try left.
        Assert.Equal("good", _tree.GrubBoots());

        var result = Service().Validate(TimeSpan.FromSeconds(30));

        Assert.Equal(BootKind.RolledBack, result.Kind);
        Assert.Equal(ApplianceMetrics.Reasons.TriesExhausted, Quarantined().Reason);
    }

    [Fact]
    public void Validate_RescueKernelAfterPanic_QuarantinedAsCrashed()
    {
        StageAndBootTrial();
        _tree.Running("good");
        _tree.Write("proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz-6.1 root=/dev/vda1 ro console=ttyS0 nr_cpus=1 appliance.rescue=1\n");

        var result = Service().Validate(TimeSpan.FromSeconds(30));

        Assert.Equal(BootKind.Rescue, result.Kind);
        var entry = Quarantined();
        Assert.Equal(ApplianceMetrics.Reasons.Crashed, entry.Reason);
        Assert.Equal(Release, entry.Release);
    }

    [Fact]
    public void Validate_TrialFailedToLoad_QuarantinedAsLoadFailed()
    {
        _tree.Run("upgrade", "stage", "trial");
        Assert.Equal("good", _tree.GrubBoots(loads: false));

        Service().Validate(TimeSpan.FromSeconds(30));

        var entry = Quarantined();
        Assert.Equal(ApplianceMetrics.Reasons.LoadFailed, entry.Reason);
        Assert.NotNull(entry.Sha256);
    }

    [Fact]
    public void Validate_TrialKernelFileGone_QuarantinedByFileNameReleaseWithoutHash()
    {
        _tree.Run("upgrade", "stage", "trial");
        File.Delete(_tree.Dir.File(_tree.TrialKernel.TrimStart('/')));
        Assert.Equal("good", _tree.GrubBoots(loads: false));

        var result = Service().Validate(TimeSpan.FromSeconds(30));

        var entry = Quarantined();
        Assert.Equal(Release, entry.Release);
        Assert.Null(entry.Sha256);
        Assert.Empty(result.SecondaryProblems);
        Assert.Contains(result.OperatorNotes, n => n.Contains("could not be read", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_QuarantineUnwritable_StillRejectsAndRebootsNamingTheFile()
    {
        _tree.RequiredCheck("50-app", 1, "app did not answer");
        StageAndBootTrial();
        Directory.CreateDirectory(_tree.Dir.File("var/lib/appliance/quarantine.json"));

        var result = Service().Validate(TimeSpan.FromSeconds(30));

        Assert.Equal(ValidationOutcome.Rejected, result.Outcome);
        Assert.True(result.Reboot);
        Assert.Equal("trial", _tree.State.Failed);
        Assert.Contains(result.SecondaryProblems, p => p.Contains("quarantine", StringComparison.Ordinal) && p.Contains("quarantine.json", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TrialBootsKnownGoodsOwnKernel_NotQuarantinedWithANote()
    {
        using var shared = new TrialTree();
        shared.RequiredCheck("50-app", 1, "app did not answer");
        Assert.Equal(0, shared.Run("upgrade", "stage", "trial").ExitCode);
        shared.GrubBoots();
        var service = new TrialService(shared.Root, LinuxFileSteps.Instance, new FakeTimeProvider(), TextWriter.Null);

        var result = service.Validate(TimeSpan.FromSeconds(30));

        Assert.Equal(ValidationOutcome.Rejected, result.Outcome);
        Assert.Empty(service.Quarantine.Read().Kernels);
        Assert.Contains(result.OperatorNotes, n => n.Contains("not quarantined", StringComparison.Ordinal));
    }
}
