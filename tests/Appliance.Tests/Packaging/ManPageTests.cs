using Appliance.Tests.Support;

namespace Appliance.Tests.Packaging;

/// <summary>appliance(8): well-formed for groff and man, and covering every command and option the binary has.</summary>
public sealed class ManPageTests
{
    private static string Page => Path.Combine(RepoPaths.Root, "tools/packaging/man/appliance.8");

    [Fact]
    public void ManPage_Groff_NoWarnings()
    {
        var result = Tools.Run(TimeSpan.FromMinutes(1), Tools.Require("groff", "groff-base"), "-man", "-ww", "-z", Page);

        Assert.True(result.ExitCode == 0 && result.Stderr == "", result.ToString());
    }

    [Fact]
    public void ManPage_ManWarnings_NoWarnings()
    {
        var result = Tools.Run(TimeSpan.FromMinutes(1), Tools.Require("man", "man-db"), "--warnings", "-l", Page);

        Assert.True(result.ExitCode == 0 && result.Stderr == "", result.ToString());
        Assert.Contains("EXIT STATUS", result.StdoutText);
    }

    [Fact]
    public void ManPage_EveryCommandAndOptionOfTheBinary_Documented()
    {
        string text = Render();
        var missing = new List<string>();
        foreach (var node in HelpTree.All)
        {
            if (node.Path.Count > 0 && !text.Contains(node.Name + " ", StringComparison.Ordinal) && !text.Contains(node.Name + "\n", StringComparison.Ordinal))
            {
                missing.Add($"command '{node.Name}'");
            }

            missing.AddRange(node.Options.Where(o => !text.Contains(o, StringComparison.Ordinal)).Select(o => $"option {o} of '{node.Name}'"));
        }

        Assert.True(missing.Count == 0, "appliance.8 lacks: " + string.Join(", ", missing.Distinct()));
    }

    [Fact]
    public void ManPage_ExitCodesAndGrubenvContract_AllListed()
    {
        string text = Render();

        foreach (string code in new[] { "0", "1", "64", "65", "66", "73", "74", "75", "77", "78" })
        {
            Assert.Matches($@"(?m)^ +{code}\s", text);
        }

        foreach (string variable in new[] { "appliance_trial", "appliance_tries", "appliance_good", "appliance_fallback", "appliance_boot", "appliance_failed", "saved_entry" })
        {
            Assert.Matches($@"(?m)^ +{variable}\s", text);
        }
    }

    /// <summary>The page as plain ASCII (hyphens as '-', no overstriking), one long line per paragraph.</summary>
    private static string Render()
    {
        var result = Tools.Ok(Tools.Run(TimeSpan.FromMinutes(1), Tools.Require("groff", "groff-base"), "-man", "-Tascii", "-P", "-cbu", "-rLL=400n", "-rHY=0", Page));
        return result.StdoutText;
    }
}
