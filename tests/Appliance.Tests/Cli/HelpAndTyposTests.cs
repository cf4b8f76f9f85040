using System.Text;
using Appliance.Cli;
using Appliance.Linux.Files;
using Appliance.Tests.Packaging;
using Appliance.Tests.Support;

namespace Appliance.Tests.Cli;

/// <summary>Every --help ends with examples that parse, and a misspelt word gets the closest one the command knows.</summary>
public sealed class HelpAndTyposTests
{
    [Fact]
    public void Help_EveryCommandOfTheBinary_EndsWithItsExamples()
    {
        var missing = new List<string>();
        foreach (var node in HelpTree.All)
        {
            string help = ApplianceBinary.Run([.. node.Path, "--help"]).StdoutText;
            string first = HelpExamples.ByCommand.TryGetValue(node.Name, out var examples) ? examples[0].Line : "(none)";
            if (!help.Contains($"\nExamples:\n  {first}\n", StringComparison.Ordinal))
            {
                missing.Add($"'{node.Name}'");
            }
        }

        Assert.True(missing.Count == 0, "no examples in the --help of " + string.Join(", ", missing));
    }

    [Fact]
    public void HelpExamples_EveryKey_IsACommandOfTheBinary()
    {
        var commands = HelpTree.All.Select(n => n.Name).ToHashSet();

        var strays = HelpExamples.ByCommand.Keys.Where(k => !commands.Contains(k)).ToList();

        Assert.True(strays.Count == 0, "examples for no command: " + string.Join(", ", strays));
    }

    public static TheoryData<string, string> Examples()
    {
        var data = new TheoryData<string, string>();
        foreach (var (command, examples) in HelpExamples.ByCommand)
        {
            foreach (var example in examples)
            {
                data.Add(command, example.Line);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void HelpExample_Line_ParsesAndNamesItsCommand(string command, string line)
    {
        string[] words = ShellWords(line);
        var app = new ApplianceApp(TextWriter.Null, TextWriter.Null, new FakeTimeProvider(), LinuxFileSteps.Instance, _ => new RefusingRebooter());

        Assert.Equal("appliance", words[0]);
        Assert.Empty(app.ParseProblems(words[1..]));
        string[] withoutRoot = words[1] == "--root" ? words[3..] : words[1..];
        Assert.True(
            command.Length == 0 || string.Join(' ', withoutRoot).StartsWith(command + " ", StringComparison.Ordinal) || string.Join(' ', withoutRoot) == command,
            $"the example '{line}' is listed under '{command}' but runs another command");
    }

    [Theory]
    [InlineData(new[] { "upgrad", "stage", "x" }, "Unrecognized command or argument 'upgrad'; did you mean 'upgrade'?", "Try 'appliance --help'.")]
    [InlineData(new[] { "upgrade", "stag", "x" }, "Unrecognized command or argument 'stag'; did you mean 'stage'?", "Try 'appliance upgrade --help'.")]
    [InlineData(new[] { "status", "--jsn" }, "Unrecognized command or argument '--jsn'; did you mean '--json'?", "Try 'appliance status --help'.")]
    [InlineData(new[] { "kexec", "panic-policy", "aply" }, "Unrecognized command or argument 'aply'; did you mean 'apply'?", "Try 'appliance kexec panic-policy --help'.")]
    [InlineData(new[] { "boot", "validate", "--rot", "/" }, "Unrecognized command or argument '--rot'; did you mean '--root'?", "Try 'appliance boot validate --help'.")]
    [InlineData(new[] { "env", "list", "--hepl" }, "Unrecognized command or argument '--hepl'; did you mean '--help'?", "Try 'appliance env list --help'.")]
    public void Run_MisspeltWord_Exit64SuggestingTheClosestAndTheCommandsHelp(string[] args, string suggestion, string tryLine)
    {
        var result = InProcessCli.Run(args);

        Assert.True(result.ExitCode == 64, result.ToString());
        Assert.Contains($"appliance: {suggestion}\n", result.Stderr);
        Assert.EndsWith(tryLine + "\n", result.Stderr);
        Assert.Equal(1, CountOf("did you mean", result.Stderr));
    }

    [Fact]
    public void Run_WordNothingIsCloseTo_NoGuess()
    {
        var result = InProcessCli.Run("status", "--frobnicate");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("Unrecognized command or argument '--frobnicate'.", result.Stderr);
        Assert.DoesNotContain("did you mean", result.Stderr);
    }

    private static int CountOf(string needle, string text) => (text.Length - text.Replace(needle, "", StringComparison.Ordinal).Length) / needle.Length;

    /// <summary>Splits an example as a POSIX shell would: blanks separate words, single quotes keep them.</summary>
    private static string[] ShellWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool quoted = false;
        bool any = false;
        foreach (char c in line)
        {
            if (c == '\'')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                {
                    words.Add(word.ToString());
                }

                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }

        Assert.False(quoted, $"unclosed quote in '{line}'");
        if (any)
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }
}
