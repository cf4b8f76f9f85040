using Appliance.Linux.Kernel;
using Appliance.Tests.Support;

namespace Appliance.Tests.Cli;

/// <summary>
/// No command run with a <c>--root</c> that is not the running system reboots the machine
/// running it. In-process runs reboot through <see cref="RefusingRebooter"/>, which throws: a
/// command that gets past the guard fails the test instead of rebooting it.
/// </summary>
public sealed class RebootGuardTests : IDisposable
{
    private readonly TrialTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void RunningSystem_TempRoot_IsNot()
    {
        Assert.False(RunningSystem.Is(_tree.Root));
        Assert.True(RunningSystem.Is("/"));
        Assert.True(RunningSystem.Is("/usr/.."));
    }

    [Fact]
    public void UpgradeStageReboot_OtherRoot_RefusedBeforeStaging()
    {
        byte[] before = _tree.GrubEnvBytes;

        var result = _tree.Run("upgrade", "stage", "trial", "--reboot");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("is not the running system", result.Stderr);
        Assert.Equal(before, _tree.GrubEnvBytes);
    }

    [Fact]
    public void BootMarkBadReboot_OtherRoot_RefusedBeforeRejecting()
    {
        Assert.Equal(0, _tree.Run("upgrade", "stage", "trial").ExitCode);
        _tree.GrubBoots();
        byte[] before = _tree.GrubEnvBytes;

        var result = _tree.Run("boot", "mark-bad", "--reboot");

        Assert.Equal(64, result.ExitCode);
        Assert.Equal(before, _tree.GrubEnvBytes);
    }

    [Fact]
    public void BootValidate_SickTrialOnOtherRoot_RecordsRejectionAndLeavesTheHostUp()
    {
        _tree.RequiredCheck("50-app", 1, "app did not answer");
        Assert.Equal(0, _tree.Run("upgrade", "stage", "trial").ExitCode);
        _tree.GrubBoots();

        var result = _tree.Run("boot", "validate");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not rebooting", result.Stderr);
        Assert.Equal("trial", _tree.State.Failed);
    }

    [Fact]
    public void BootValidate_SickTrialJournalUnwritable_ExitsIoErrorNamingTheJournal()
    {
        _tree.RequiredCheck("50-app", 1, "app did not answer");
        Assert.Equal(0, _tree.Run("upgrade", "stage", "trial").ExitCode);
        _tree.GrubBoots();
        _tree.Write("var/lib/appliance", "not a directory");

        var result = _tree.Run("boot", "validate");

        Assert.Equal(74, result.ExitCode);
        Assert.Contains("boot journal", result.Stderr);
        Assert.Contains("not rebooting", result.Stderr);
        Assert.Equal("trial", _tree.State.Failed);
    }

    [Fact]
    public void Reboot_OtherRoot_Refused()
    {
        var result = _tree.Run("reboot");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("is not the running system", result.Stderr);
    }
}
