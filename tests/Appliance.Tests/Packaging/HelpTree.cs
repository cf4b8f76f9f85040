using Appliance.Tests.Support;

namespace Appliance.Tests.Packaging;

/// <summary>One command of the CLI as its --help describes it: the words that reach it, its sub-commands and its options.</summary>
public sealed record HelpNode(IReadOnlyList<string> Path, IReadOnlyList<string> Subcommands, IReadOnlyList<string> Options)
{
    public string Name => string.Join(' ', Path);
}

/// <summary>Every command and option of the shipped binary, read from 'appliance [COMMAND...] --help', so the man page and the completion can be checked against it.</summary>
public static class HelpTree
{
    private static readonly Lazy<IReadOnlyList<HelpNode>> Nodes = new(Walk);

    public static IReadOnlyList<HelpNode> All => Nodes.Value;

    private static IReadOnlyList<HelpNode> Walk()
    {
        var nodes = new List<HelpNode>();
        var queue = new Queue<string[]>([[]]);
        while (queue.Count > 0)
        {
            string[] path = queue.Dequeue();
            var help = ApplianceBinary.Run([.. path, "--help"]);
            Assert.True(help.ExitCode == 0, help.ToString());
            var node = Parse(path, help.StdoutText);
            nodes.Add(node);
            foreach (string sub in node.Subcommands)
            {
                queue.Enqueue([.. path, sub]);
            }
        }

        Assert.True(nodes.Count > 30, $"only {nodes.Count} commands found in --help");
        return nodes;
    }

    private static HelpNode Parse(string[] path, string help)
    {
        var subcommands = new List<string>();
        var options = new List<string>();
        string section = "";
        foreach (string line in help.Split('\n'))
        {
            if (line.Length > 0 && line[0] != ' ')
            {
                section = line.TrimEnd(':');
                continue;
            }

            // Entries are indented by two spaces; deeper lines continue a wrapped description.
            if (!line.StartsWith("  ", StringComparison.Ordinal) || line.Length < 3 || line[2] == ' ')
            {
                continue;
            }

            string head = line[2..].Split("  ", 2)[0];
            if (section == "Commands")
            {
                subcommands.Add(head.Split(' ')[0]);
            }
            else if (section == "Options")
            {
                options.AddRange(head.Split(", ").Select(o => o.Split(' ')[0]).Where(o => o.StartsWith('-')));
            }
        }

        return new HelpNode(path, subcommands.Distinct().ToList(), options.Distinct().ToList());
    }
}
