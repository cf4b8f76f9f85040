using Appliance.Tests.Support;

namespace Appliance.Tests.Packaging;

/// <summary>
/// Debian's own package checker on the .deb that build.sh makes: no error at all, and none of the
/// warnings issue 14 fixed comes back (a maintainer script that bypasses deb-systemd-helper or
/// deb-systemd-invoke, an extended description wider than 80 columns, an example script shipped
/// without its exec bits). A missing lintian fails the test with the package to install.
/// </summary>
public sealed class LintianTests(DebFixture fixture) : IClassFixture<DebFixture>
{
    private static readonly string[] FixedWarnings =
    [
        "maintainer-script-calls-systemctl",
        "extended-description-line-too-long",
        "command-with-path-in-maintainer-script",
        "script-not-executable",
    ];

    [Fact]
    public void Deb_Lintian_NoErrorsAndNoneOfTheFixedWarnings()
    {
        string lintian = Tools.Require("lintian", "lintian");
        // Exit 1 means "found tags", so the verdict is read from the tags, not the exit code; an
        // exit 2 or more is lintian itself failing.
        var result = Tools.Run(TimeSpan.FromMinutes(4), lintian, "--no-tag-display-limit", fixture.Deb);
        Assert.True(result.ExitCode is 0 or 1, result.ToString() + "\n" + result.StdoutText);
        var tags = result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Length > 2 && l[1] == ':')
            .ToList();
        string all = string.Join('\n', tags);
        Assert.True(!tags.Any(t => t.StartsWith("E:", StringComparison.Ordinal)), "lintian errors:\n" + all);
        foreach (string tag in FixedWarnings)
        {
            Assert.True(!tags.Any(t => t.Contains($" {tag}", StringComparison.Ordinal)), $"lintian warns {tag} again:\n{all}");
        }
    }
}
