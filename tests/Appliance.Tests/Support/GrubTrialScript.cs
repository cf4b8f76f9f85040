using System.Text;
using Appliance.Core.Grubenv;

namespace Appliance.Tests.Support;

/// <summary>What one run of the real <c>grub/appliance.cfg</c> decided.</summary>
/// <param name="Default">GRUB's <c>default</c> afterwards: the entry it boots.</param>
/// <param name="Fallback">GRUB's <c>fallback</c>, set when the script defined its known-good entry.</param>
/// <param name="Saved">Whether the script's <c>save_env</c> ran and wrote the block.</param>
/// <param name="Output">What the script echoed.</param>
public sealed record GrubRun(string? Default, string? Fallback, bool Saved, string Output);

/// <summary>
/// The one model of GRUB's side of a trial boot that the agent-side tests use: it runs the real
/// <c>grub/appliance.cfg</c>, not a copy of its logic. The interpreter covers exactly the GRUB
/// script the file uses (if/elif/else, <c>[ -s | -n | -z | = ]</c> joined by <c>-a</c>, <c>set</c>,
/// <c>load_env</c>, <c>save_env</c>, <c>echo</c>, <c>export</c>, a <c>menuentry</c> block and
/// <c>configfile</c>) and throws on anything else, so an edit to the script that it cannot follow
/// fails the tests instead of being modelled wrongly. The real GRUB runs the same file in the VM suite.
/// </summary>
public sealed class GrubTrialScript
{
    private readonly string[] _lines;
    private readonly GrubEnvBlock _env;
    private readonly bool _saveEnvWorks;
    private readonly Dictionary<string, string> _vars;
    private readonly StringBuilder _output = new();
    private bool _saved;
    private string? _fallbackBody;

    private GrubTrialScript(string[] lines, GrubEnvBlock env, bool saveEnvWorks, Dictionary<string, string> vars)
    {
        _lines = lines;
        _env = env;
        _saveEnvWorks = saveEnvWorks;
        _vars = vars;
    }

    public static string Path => System.IO.Path.Combine(RepoPaths.Root, "grub/appliance.cfg");

    /// <summary>
    /// One boot: 00_header has run (Debian's plain <c>load_env</c> of the whole block, <c>default</c>
    /// from <c>next_entry</c> or <c>saved_entry</c>, <c>boot_once</c> when <c>next_entry</c> was used),
    /// then appliance.cfg. <paramref name="env"/> is updated as <c>save_env</c> would write it.
    /// </summary>
    public static GrubRun Boot(GrubEnvBlock env, bool saveEnvWorks = true, string? nextEntry = null)
    {
        var script = Started(env, saveEnvWorks, nextEntry);
        return new GrubRun(script.Get("default"), script.Get("fallback"), script._saved, script._output.ToString());
    }

    /// <summary>
    /// A boot whose chosen entry may fail to load: when it does and the script defined a fallback,
    /// GRUB boots entry 0, which reads grub.cfg again; returns the entry that finally boots.
    /// </summary>
    public static string BootEntry(GrubEnvBlock env, Func<string, bool> loads, bool saveEnvWorks = true, string? nextEntry = null)
    {
        var first = Started(env, saveEnvWorks, nextEntry);
        string chosen = first.Get("default") ?? "0";
        if (loads(chosen) || first.Get("fallback") is null || first._fallbackBody is null)
        {
            return chosen;
        }

        // The fallback entry's body: set appliance_fallback_pass=1, export it, configfile grub.cfg,
        // which runs 00_header and this script again in a new context that keeps exported variables.
        var again = Initial(env, nextEntry);
        var second = new GrubTrialScript(File.ReadAllLines(Path), env, saveEnvWorks, again);
        second.Execute(first._fallbackBody.Split('\n'));
        second.Run();
        return second.Get("default") ?? "0";
    }

    /// <summary>00_header's state for this boot, then one run of appliance.cfg.</summary>
    private static GrubTrialScript Started(GrubEnvBlock env, bool saveEnvWorks, string? nextEntry)
    {
        var script = new GrubTrialScript(File.ReadAllLines(Path), env, saveEnvWorks, Initial(env, nextEntry));
        script.Run();
        return script;
    }

    private static Dictionary<string, string> Initial(GrubEnvBlock env, string? nextEntry)
    {
        var vars = new Dictionary<string, string>(StringComparer.Ordinal) { ["prefix"] = "/boot/grub" };
        foreach (var v in env.Variables)
        {
            vars[v.Name] = v.Value;
        }

        vars["default"] = nextEntry ?? env.Get("saved_entry") ?? "0";
        if (nextEntry is not null)
        {
            vars["boot_once"] = "true";
        }

        return vars;
    }

    private string? Get(string name) => _vars.TryGetValue(name, out var v) ? v : null;

    private void Run() => Execute(_lines);

    private void Execute(string[] source)
    {
        var lines = new List<string>();
        foreach (string raw in source)
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            // "if [ ... ]; then set x=y" holds a command after "then": give it a line of its own.
            int then = line.IndexOf("; then ", StringComparison.Ordinal);
            if (then >= 0)
            {
                lines.Add(line[..(then + "; then".Length)]);
                lines.Add(line[(then + "; then ".Length)..].Trim());
            }
            else
            {
                lines.Add(line);
            }
        }

        int i = 0;
        Block(lines, ref i, run: true, until: []);
        if (i != lines.Count)
        {
            throw new InvalidOperationException($"{Path}: unexpected '{lines[i]}'");
        }
    }

    /// <summary>Runs (or, with <paramref name="run"/> false, skips) commands until one of <paramref name="until"/> starts a line.</summary>
    private void Block(List<string> lines, ref int i, bool run, string[] until)
    {
        while (i < lines.Count && !Ends(lines[i], until))
        {
            string line = lines[i++];
            if (line.StartsWith("if ", StringComparison.Ordinal))
            {
                If(lines, ref i, line, run);
            }
            else if (line.StartsWith("menuentry ", StringComparison.Ordinal))
            {
                var body = new StringBuilder();
                while (lines[i] != "}")
                {
                    body.Append(lines[i++]).Append('\n');
                }

                i++;
                if (run)
                {
                    _fallbackBody = body.ToString();
                }
            }
            else if (run)
            {
                Command(Words(line));
            }
        }
    }

    private static bool Ends(string line, string[] until) =>
        Array.Exists(until, u => line == u || line.StartsWith(u + " ", StringComparison.Ordinal));

    private void If(List<string> lines, ref int i, string line, bool run)
    {
        bool taken = false;
        string condition = line;
        while (true)
        {
            bool thisOne = run && !taken && Condition(condition);
            taken |= thisOne;
            Block(lines, ref i, thisOne, ["elif", "else", "fi"]);
            string end = lines[i++];
            if (end == "fi")
            {
                return;
            }

            if (end == "else")
            {
                Block(lines, ref i, run && !taken, ["fi"]);
                i++;
                return;
            }

            condition = end;
        }
    }

    /// <summary>"if [ A ] ; then" or "elif [ A -a B ]; then", A and B each "-s X", "-n X", "-z X" or "X = Y".</summary>
    private bool Condition(string line)
    {
        var words = Words(line);
        if (words is not [("if" or "elif"), "[", .., "]", "then"])
        {
            throw new InvalidOperationException($"{Path}: cannot model the condition '{line}'");
        }

        var test = words[2..^2];
        bool result = true;
        int at = 0;
        while (at < test.Count)
        {
            bool term = test[at] switch
            {
                "-s" => Exists(test[at + 1]),
                "-n" => test[at + 1].Length > 0,
                "-z" => test[at + 1].Length == 0,
                _ when at + 2 < test.Count && test[at + 1] == "=" => test[at] == test[at + 2],
                _ => throw new InvalidOperationException($"{Path}: cannot model the test in '{line}'"),
            };
            at += test[at] is "-s" or "-n" or "-z" ? 2 : 3;
            result &= term;
            if (at < test.Count)
            {
                if (test[at] != "-a")
                {
                    throw new InvalidOperationException($"{Path}: cannot model '{test[at]}' in '{line}'");
                }

                at++;
            }
        }

        return result;
    }

    private bool Exists(string path) => path == $"{Get("prefix")}/grubenv";

    private void Command(List<string> words)
    {
        switch (words[0])
        {
            case "set":
                int eq = words[1].IndexOf('=');
                _vars[words[1][..eq]] = words[1][(eq + 1)..];
                break;
            case "load_env":
                foreach (string name in words.Skip(1).Where(w => !w.StartsWith('-')))
                {
                    if (_env.Get(name) is { } value)
                    {
                        _vars[name] = value;
                    }
                }

                break;
            case "save_env":
                throw new InvalidOperationException($"{Path}: save_env is modelled only as an if condition");
            case "echo":
                _output.AppendLine(string.Join(' ', words.Skip(1)));
                break;
            case "export":
                break;
            case "configfile":
                // The fallback entry's re-read of grub.cfg: BootEntry runs the script again.
                break;
            default:
                throw new InvalidOperationException($"{Path}: cannot model the command '{words[0]}'");
        }
    }

    /// <summary>Splits a line into words as GRUB does for this file: blanks separate, double quotes group, ${name} expands, ";" ends a command.</summary>
    private List<string> Words(string line)
    {
        if (line.StartsWith("if save_env ", StringComparison.Ordinal))
        {
            return SaveEnvCondition(line);
        }

        var words = new List<string>();
        var word = new StringBuilder();
        bool quoted = false;
        bool inWord = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '"')
            {
                quoted = !quoted;
                inWord = true;
            }
            else if (c == '$' && i + 1 < line.Length && line[i + 1] == '{')
            {
                int close = line.IndexOf('}', i);
                word.Append(Get(line[(i + 2)..close]) ?? "");
                inWord = true;
                i = close;
            }
            else if (!quoted && (c == ' ' || c == ';'))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>
    /// "if save_env A B ...; then": GRUB writes each listed variable it holds and deletes each it
    /// does not (grub-core/commands/loadenv.c); the condition is whether that worked.
    /// </summary>
    private List<string> SaveEnvCondition(string line)
    {
        var names = line["if save_env ".Length..line.IndexOf(';')].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (_saveEnvWorks)
        {
            foreach (string name in names)
            {
                if (Get(name) is { } value)
                {
                    _env.Set(name, value);
                }
                else
                {
                    _env.Unset(name);
                }
            }

            _saved = true;
        }

        return _saveEnvWorks ? ["if", "[", "x", "=", "x", "]", "then"] : ["if", "[", "x", "=", "y", "]", "then"];
    }
}
