using System.Text.RegularExpressions;
using Appliance.Tests.Support;

namespace Appliance.Tests.Cli;

/// <summary>What the shipped binary prints on bad input is sentences: no .NET type names, no resource keys, no stack traces.</summary>
public sealed partial class MessagesForPeopleTests
{
    public static TheoryData<string[], int> BadInputs => new()
    {
        { ["upgrade", "stage", "trial", "--tries", "abc"], 64 },
        { ["check", "--deadline", "abc"], 64 },
        { ["boot", "validate", "--no-reboot", "--deadline", "-3"], 64 },
        { ["env", "list", "--file", "/nonexistent/grubenv"], 66 },
        { ["env", "list", "--file", "/dev/null"], 66 },
        { ["watchdog", "run", "--config", "/nonexistent/appliance.conf"], 78 },
        { ["watchdog", "run", "--boards", "/nonexistent/boards"], 66 },
        { ["entries", "--config", "/nonexistent/grub.cfg"], 66 },
        { ["kexec", "status"], 0 },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Binary_BadInput_SaysWhatWentWrongInWords(string[] args, int expected)
    {
        using var root = new TempDir();
        root.Subdirectory("boot/grub");

        ProcessResult result = ApplianceBinary.Run(["--root", root.Path, .. args]);

        Assert.NotEqual(134, result.ExitCode);
        if (expected != 0)
        {
            Assert.True(result.ExitCode == expected, result.ToString());
        }

        Assert.DoesNotContain("System.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("<BaseAddress>", result.Stderr, StringComparison.Ordinal);
        Assert.False(ResourceKey().IsMatch(result.Stderr), $"a resource key instead of a message: {result.Stderr}");
    }

    [Fact]
    public void EnvList_FileIsDevNull_SaysItIsACharacterDeviceNotToRemoveIt()
    {
        var result = InProcessCli.Run("env", "list", "--file", "/dev/null");

        Assert.True(result.ExitCode == 66, result.ToString());
        Assert.Contains("/dev/null: is a character device, not a GRUB environment block", result.Stderr);
        Assert.DoesNotContain("remove", result.Stderr);
    }

    [Fact]
    public void WatchdogRun_ConfigInMissingDirectory_Exit78NamingTheFile()
    {
        using var root = new TempDir();

        var result = InProcessCli.Run("--root", root.Path, "watchdog", "run", "--config", "/nonexistent/appliance.conf");

        Assert.True(result.ExitCode == 78, result.ToString());
        Assert.Contains("/nonexistent/appliance.conf: does not exist; fix --config", result.Stderr);
    }

    [Fact]
    public void ForPeople_IntegerOption_NamesTheOptionAndWhatItTakes()
    {
        Assert.Equal(
            "option --tries takes a whole number, not 'abc'; see --help",
            Appliance.Cli.ParseMessages.ForPeople("Cannot parse argument 'abc' for option '--tries' as expected type 'System.Nullable`1[System.Int32]'."));
    }

    // Keys such as IO_FileNotFound_FileName or Arg_InvalidOperation, which UseSystemResourceKeys prints instead of text.
    [GeneratedRegex(@"\b[A-Z][A-Za-z]+_[A-Z][A-Za-z]+(_[A-Za-z]+)*\b")]
    private static partial Regex ResourceKey();
}
