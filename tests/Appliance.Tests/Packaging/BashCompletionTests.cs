using Appliance.Tests.Support;

namespace Appliance.Tests.Packaging;

/// <summary>The bash completion, sourced into a real bash and driven through COMP_WORDS as readline would.</summary>
public sealed class BashCompletionTests
{
    private static string Script => Path.Combine(RepoPaths.Root, "tools/packaging/bash-completion/appliance");

    [Fact]
    public void Source_CompleteP_RegistersTheFunction()
    {
        var result = Bash("complete -p appliance");

        Assert.Equal("complete -F _appliance appliance\n", result);
    }

    [Theory]
    [InlineData("appliance up", "upgrade")]
    [InlineData("appliance ", "env watchdog entries kexec reboot upgrade boot status check metrics drill --root --help --version")]
    [InlineData("appliance upgrade st", "stage status")]
    [InlineData("appliance --root /tmp upgrade stage --t", "--tries")]
    [InlineData("appliance upgrade stage --tries ", "1 2 3 4 5 6 7 8 9")]
    [InlineData("appliance kexec panic-policy apply --", "--panic --root --help")]
    [InlineData("appliance boot validate --deadline ", "")]
    [InlineData("appliance metrics --", "--textfile --root --help")]
    public void Complete_Words_Offers(string line, string expected)
    {
        Assert.Equal(expected, Complete(line));
    }

    [Fact]
    public void Complete_EnvGet_OffersTheVariablesOfThatRootsGrubenv()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("boot/grub"));
        string grubenv = dir.NewGrubEnv("boot/grub/grubenv");
        GrubEditenv.Ok(GrubEditenv.Set(grubenv, [("appliance_good", "x"), ("saved_entry", "0")]));
        string bin = Path.GetDirectoryName(ApplianceBinary.Program)!;

        Assert.Equal("appliance_good", Complete($"appliance --root {dir.Path} env get app", $"PATH={bin}:$PATH"));
    }

    private const string Advanced = "gnulinux-advanced-513b9367-01c0-43d8-9041-e45173db9a96";

    [Fact]
    public void Complete_UpgradeStage_OffersTheEntryPathsOfARealGeneratedMenuWithTheSeparatorEscaped()
    {
        using var dir = StockMenuRoot();

        string offered = Complete($"appliance --root {dir.Path} upgrade stage gnulinux-adv", PathWithBinary);

        Assert.Equal(
            $"{Advanced}\\>gnulinux-6.1.0-55-amd64-advanced-513b9367-01c0-43d8-9041-e45173db9a96 "
            + $"{Advanced}\\>gnulinux-6.1.0-55-amd64-recovery-513b9367-01c0-43d8-9041-e45173db9a96 "
            + $"{Advanced}\\>gnulinux-6.1.0-53-amd64-advanced-513b9367-01c0-43d8-9041-e45173db9a96 "
            + $"{Advanced}\\>gnulinux-6.1.0-53-amd64-recovery-513b9367-01c0-43d8-9041-e45173db9a96",
            offered);
    }

    [Fact]
    public void Complete_UpgradeStageAfterReadlineSplitTheWordAtTheSeparator_OffersOnlyWhatFollowsIt()
    {
        using var dir = StockMenuRoot();
        string line = $"appliance --root {dir.Path} upgrade stage {Advanced}\\>gnulinux-6.1.0-53-amd64-r";
        string words = $"'appliance' '--root' '{dir.Path}' 'upgrade' 'stage' '{Advanced}' '>' 'gnulinux-6.1.0-53-amd64-r'";

        string offered = Bash($"export {PathWithBinary}; COMP_LINE=\"{line}\"; COMP_POINT=${{#COMP_LINE}}; COMP_WORDS=({words}); COMP_CWORD=7; _appliance; echo \"${{COMPREPLY[*]}}\"").TrimEnd('\n');

        Assert.Equal("gnulinux-6.1.0-53-amd64-recovery-513b9367-01c0-43d8-9041-e45173db9a96", offered);
    }

    [Fact]
    public void Complete_UpgradeStageOnAMissingMenu_OffersOnlyTheOptionsAndPrintsNothing()
    {
        using var dir = new TempDir();

        Assert.Equal("--tries --reboot --force --json --root --help", Complete($"appliance --root {dir.Path} upgrade stage ", PathWithBinary));
    }

    private static string PathWithBinary => $"PATH={Path.GetDirectoryName(ApplianceBinary.Program)}:$PATH";

    /// <summary>A root whose grub.cfg is Debian 12's update-grub output with two kernels (the newest twice, the rest in a submenu).</summary>
    private static TempDir StockMenuRoot()
    {
        var dir = new TempDir();
        Directory.CreateDirectory(dir.File("boot/grub"));
        File.Copy(Appliance.Tests.Core.Menu.MenuFixtures.PathOf("generated/debian-12-guest-two-kernels-appliance.grub.cfg"), dir.File("boot/grub/grub.cfg"));
        return dir;
    }

    [Fact]
    public void Complete_EveryCommandOfTheBinary_OffersItsSubcommandsAndOptions()
    {
        var missing = new List<string>();
        foreach (var node in HelpTree.All)
        {
            var offered = Complete(string.Join(' ', ["appliance", .. node.Path, ""])).Split(' ').ToHashSet();
            var wanted = node.Subcommands.Concat(node.Options.Where(o => o.StartsWith("--", StringComparison.Ordinal)));
            missing.AddRange(wanted.Where(w => !offered.Contains(w)).Select(w => $"'{node.Name}' {w}"));
        }

        Assert.True(missing.Count == 0, "the completion lacks: " + string.Join(", ", missing));
    }

    /// <summary>COMPREPLY for the line with the cursor at its end, words joined by one space.</summary>
    private static string Complete(string line, string? prelude = null)
    {
        string[] words = line.Split(' ');
        string array = string.Join(' ', words.Select(w => $"'{w}'"));
        return Bash($"{(prelude is null ? "" : "export " + prelude + "; ")}COMP_WORDS=({array}); COMP_CWORD={words.Length - 1}; _appliance; echo \"${{COMPREPLY[*]}}\"").TrimEnd('\n');
    }

    private static string Bash(string commands)
    {
        var result = Tools.Run(TimeSpan.FromMinutes(1), Tools.Require("bash", "bash"), "--norc", "--noprofile", "-c", $"set -u; source {Script}; {commands}");
        Assert.True(result.ExitCode == 0 && result.Stderr == "", result.ToString());
        return result.StdoutText;
    }
}
