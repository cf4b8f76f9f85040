using System.Text.Json;
using Appliance.Tests.Support;

namespace Appliance.Tests.Cli;

/// <summary>
/// Issue 17, quarantine, at the command line: staging a kernel build that failed a trial is
/// refused (exit 78, nothing written) unless --force; 'upgrade forget' clears it; status lists it.
/// </summary>
public sealed class TrialCommandsQuarantineTests : IDisposable
{
    private const string Release = "6.2.0-1-amd64";

    private readonly TrialTree _tree = new(Release);

    public void Dispose() => _tree.Dispose();

    private CliResult Ok(params string[] args)
    {
        var result = _tree.Run(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    [Fact]
    public void UpgradeStage_QuarantinedKernel_Exit78NamingWhenAndWhyNothingWritten()
    {
        var (rejected, _) = _tree.RunSickTrial();
        Assert.Contains("is quarantined", rejected.Stderr);
        byte[] before = _tree.GrubEnvBytes;

        var result = _tree.Run("upgrade", "stage", "trial");

        Assert.True(result.ExitCode == 78, result.ToString());
        Assert.Contains($"kernel {Release}", result.Stderr);
        Assert.Contains("checks-failed", result.Stderr);
        // The trial was the second boot of the tree: its boot id is the one named.
        Assert.Contains("boot 00000002-", result.Stderr);
        Assert.Contains("use --force to try it anyway", result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"'appliance upgrade forget {Release}'", result.Stderr);
        Assert.Equal(before, _tree.GrubEnvBytes);
    }

    [Fact]
    public void UpgradeStage_QuarantinedKernelWithForce_StagesAndSaysTheQuarantineWasOverridden()
    {
        _tree.RunSickTrial();

        var result = Ok("upgrade", "stage", "trial", "--force");

        Assert.Contains("quarantine overridden (--force)", result.Stderr);
        Assert.Equal("trial", _tree.State.Trial);
    }

    [Fact]
    public void BootValidate_ForcedQuarantinedKernelHealthy_CommittedAndTakenOffTheList()
    {
        _tree.RunSickTrial();
        Ok("upgrade", "stage", "trial", "--force");
        Assert.Equal("trial", _tree.GrubBoots());

        var validated = Ok("boot", "validate", "--no-reboot");

        Assert.Contains("off the quarantine list", validated.Stderr);
        Assert.Equal("trial", _tree.State.Good);
        using var status = JsonDocument.Parse(Ok("status", "--json").Stdout);
        Assert.Equal(0, status.RootElement.GetProperty("quarantined").GetArrayLength());
    }

    [Fact]
    public void UpgradeStageJson_AnotherKernelQuarantined_ListsIt()
    {
        _tree.RunSickTrial();

        using var staged = JsonDocument.Parse(Ok("upgrade", "stage", "trial", "--force", "--json").Stdout);

        Assert.Equal("6.2.0-1-amd64", Assert.Single(staged.RootElement.GetProperty("quarantined").EnumerateArray()).GetProperty("release").GetString());
    }

    [Fact]
    public void UpgradeStage_RebuiltKernelSameRelease_StagesWithANoteThatItIsANewBuild()
    {
        _tree.RunSickTrial();
        _tree.Dir.WriteKernel(_tree.TrialKernel.TrimStart('/'), Release, build: 2);

        var result = Ok("upgrade", "stage", "trial");

        Assert.Contains("new build of a release that failed before", result.Stderr);
        Assert.Equal("trial", _tree.State.Trial);
    }

    [Fact]
    public void UpgradeForget_Release_ClearsItAndStageAcceptsTheKernelAgain()
    {
        _tree.RunSickTrial();

        var forgot = Ok("upgrade", "forget", Release);
        Ok("upgrade", "stage", "trial");

        Assert.Contains($"forgot kernel {Release}", forgot.Stdout);
        Assert.Equal("trial", _tree.State.Trial);
    }

    [Fact]
    public void UpgradeForget_KernelFilePath_ClearsThatBuild()
    {
        _tree.RunSickTrial();

        Ok("upgrade", "forget", _tree.TrialKernel);

        using var status = JsonDocument.Parse(Ok("status", "--json").Stdout);
        Assert.Equal(0, status.RootElement.GetProperty("quarantined").GetArrayLength());
    }

    [Fact]
    public void UpgradeForget_NotQuarantined_Exit1NothingWritten()
    {
        var result = _tree.Run("upgrade", "forget", "9.9.9");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("kernel '9.9.9' is not quarantined", result.Stderr);
        Assert.False(File.Exists(_tree.Dir.File("var/lib/appliance/quarantine.json")));
    }

    [Fact]
    public void Status_QuarantinedKernel_JsonListsItAndPlainSaysHowToClearIt()
    {
        _tree.RunSickTrial();

        using var json = JsonDocument.Parse(Ok("status", "--json").Stdout);
        using var upgradeJson = JsonDocument.Parse(Ok("upgrade", "status", "--json").Stdout);
        var plain = Ok("status");

        var entry = Assert.Single(json.RootElement.GetProperty("quarantined").EnumerateArray());
        Assert.Equal(Release, entry.GetProperty("release").GetString());
        Assert.Equal("checks-failed", entry.GetProperty("reason").GetString());
        Assert.Equal(64, entry.GetProperty("sha256").GetString()!.Length);
        Assert.Equal(1, upgradeJson.RootElement.GetProperty("quarantined").GetArrayLength());
        Assert.Contains($"QUARANTINED: kernel {Release}", plain.Stdout);
        Assert.Contains($"'appliance upgrade forget {Release}'", plain.Stdout);
    }

    [Fact]
    public void Status_QuarantineListDamaged_WarnsAndStillShowsTheRest()
    {
        _tree.Write("var/lib/appliance/quarantine.json", "{not json");

        var result = Ok("status");

        Assert.Contains("quarantine.json", result.Stderr);
        Assert.Contains("known-good:", result.Stdout);
    }
}
