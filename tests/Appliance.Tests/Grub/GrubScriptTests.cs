using System.Text.RegularExpressions;
using Appliance.Core.Boot;
using Appliance.Tests.Support;

namespace Appliance.Tests.Grub;

/// <summary>The GRUB side (grub/): syntax by the real grub-script-check, and the script held to the variable contract the agent uses.</summary>
public sealed partial class GrubScriptTests
{
    private static readonly string GrubDir = Path.Combine(RepoPaths.Root, "grub");
    private static readonly string Script = Path.Combine(GrubDir, "appliance.cfg");

    private static string ScriptCheck => new[] { "/usr/bin/grub-script-check", "/usr/sbin/grub-script-check" }.FirstOrDefault(File.Exists)
        ?? throw new Xunit.Sdk.XunitException("grub-script-check is not installed: install grub-common (make deps)");

    [Fact]
    public void ApplianceCfg_GrubScriptCheck_Passes()
    {
        var result = ProcessRunner.Run(ScriptCheck, Script);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void DropIn_WithCfg_EmitsScriptThatPassesGrubScriptCheck()
    {
        using var dir = new TempDir();
        var generated = RunDropIn(Script);

        Assert.Equal(0, generated.ExitCode);
        Assert.Contains(File.ReadAllText(Script), generated.StdoutText);
        string output = dir.Write("grub.cfg", generated.StdoutText);
        var check = ProcessRunner.Run(ScriptCheck, output);
        Assert.True(check.ExitCode == 0, check.ToString());
    }

    [Fact]
    public void DropIn_CfgMissing_WarnsAndEmitsNothingSoUpdateGrubStillWorks()
    {
        var generated = RunDropIn("/nonexistent/appliance.cfg");

        Assert.Equal(0, generated.ExitCode);
        Assert.Empty(generated.Stdout);
        Assert.Contains("/nonexistent/appliance.cfg is missing", generated.Stderr);
    }

    [Fact]
    public void ApplianceCfg_Countdown_CoversNineToOneExactlyOnceEach()
    {
        var steps = CountdownStep().Matches(File.ReadAllText(Script))
            .Select(m => (From: int.Parse(m.Groups[1].Value), To: int.Parse(m.Groups[2].Value)))
            .ToList();

        Assert.Equal(Enumerable.Range(1, TrialVariables.MaxTries).Reverse(), steps.Select(s => s.From));
        Assert.All(steps, s => Assert.Equal(s.From - 1, s.To));
    }

    [Fact]
    public void ApplianceCfg_LoadEnv_WhitelistsExactlyTheVariablesGrubReads()
    {
        var loadEnv = Regex.Match(File.ReadAllText(Script), @"load_env --skip-sig ([^\n]+)");

        Assert.True(loadEnv.Success, "appliance.cfg must load grubenv with --skip-sig and a whitelist");
        Assert.Equal(
            new[] { TrialVariables.Trial, TrialVariables.Tries, TrialVariables.Good }.Order(),
            loadEnv.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public void ApplianceCfg_SaveEnv_OnceAndOnlyOurVariables()
    {
        var saves = Regex.Matches(File.ReadAllText(Script), @"^\s*(?:if\s+)?save_env ([^;\n]+)", RegexOptions.Multiline);

        var save = Assert.Single(saves);
        Assert.Equal(
            new[] { TrialVariables.Trial, TrialVariables.Tries, TrialVariables.Boot, TrialVariables.Failed }.Order(),
            save.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public void ApplianceCfg_BootValues_AreTheOnesTheAgentReads()
    {
        string text = File.ReadAllText(Script);

        Assert.Contains($"set appliance_boot={TrialMachine.BootTrial}", text);
        Assert.Contains($"set appliance_boot={TrialMachine.BootRollback}", text);
    }

    private static ProcessResult RunDropIn(string cfg)
    {
        var start = ProcessRunner.Start("/bin/sh", ["-c", $"APPLIANCE_GRUB_CFG='{cfg}' exec '{Path.Combine(GrubDir, "01_appliance")}'"]);
        return ProcessRunner.Finish(start, "01_appliance");
    }

    [GeneratedRegex(@"\[ ""\$\{appliance_tries\}"" = (\d) \]; then set appliance_tries=(\d)")]
    private static partial Regex CountdownStep();
}
