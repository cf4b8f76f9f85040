using Appliance.Tests.Support;

namespace Appliance.Tests.Cli;

/// <summary>A wrong <c>--root</c> is an error before any command reads or writes under it.</summary>
public sealed class RootOptionTests
{
    [Theory]
    [InlineData("check")]
    [InlineData("metrics")]
    [InlineData("status")]
    [InlineData("entries")]
    [InlineData("upgrade", "status")]
    [InlineData("boot", "validate", "--no-reboot")]
    public void Command_RootDoesNotExist_Exit66NamingTheRootAndNothingOnStdout(params string[] command)
    {
        using var dir = new TempDir();
        string missing = dir.File("no-such-root");

        var result = InProcessCli.Run(["--root", missing, .. command]);

        Assert.True(result.ExitCode == 66, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains($"{missing}: --root must name a directory", result.Stderr);
        Assert.Contains("does not exist", result.Stderr);
        Assert.False(Directory.Exists(missing), "the command created the root it was given");
    }

    [Fact]
    public void Check_RootIsAFile_Exit66SayingSo()
    {
        using var dir = new TempDir();
        string file = dir.Write("image.raw", "not a tree");

        var result = InProcessCli.Run("--root", file, "check");

        Assert.True(result.ExitCode == 66, result.ToString());
        Assert.Contains("is a file", result.Stderr);
    }
}
