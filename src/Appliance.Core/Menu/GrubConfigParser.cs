using Appliance.Core.Collections;

namespace Appliance.Core.Menu;

/// <summary>
/// A menu item before paths are known: an entry, or a submenu when <see cref="Children"/> is set.
/// </summary>
internal sealed record DraftNode(
    string Title,
    string? Id,
    bool Conditional,
    int Line,
    IReadOnlyList<string> Classes,
    string? Kernel,
    IReadOnlyList<string> Initrd,
    string Args,
    string? BlsFileName,
    IReadOnlyList<DraftNode>? Children);

/// <summary>
/// Reads GRUB's menu out of grub.cfg text without running it: every <c>menuentry</c> and
/// <c>submenu</c> is taken, in both branches of an <c>if</c> (marked conditional), while those in
/// a <c>function</c> body are not (they exist only if it is called). Where the script runs
/// <c>blscfg</c>, the BLS entries from <c>blsLoader</c> are put in its place.
/// </summary>
public static class GrubConfigParser
{
    /// <summary>Where blscfg looks for snippets on the boot partition when <c>blsdir</c> is not set.</summary>
    public const string DefaultBlsDirectory = "/loader/entries";

    // A --source body may itself define entries with --source; bound the recursion.
    private const int MaxSourceNesting = 8;

    private static readonly System.Text.Encoding Utf8 = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private static readonly string[] KernelCommands = ["linux", "linux16", "linuxefi"];
    private static readonly string[] InitrdCommands = ["initrd", "initrd16", "initrdefi"];

    /// <summary>
    /// Parses <paramref name="cfgText"/>. <paramref name="blsLoader"/> is called with
    /// <see cref="DefaultBlsDirectory"/> for each <c>blscfg</c> command and returns the snippets
    /// there (none when it is null). Throws <see cref="GrubConfigException"/>, with the line, for
    /// text GRUB's parser rejects; nothing else for any text.
    /// </summary>
    /// <summary>
    /// Parses grub.cfg as read from the file: <paramref name="cfgBytes"/> decoded as UTF-8, an
    /// undecodable byte becoming U+FFFD (GRUB compares bytes, and such titles never match a
    /// reference written in valid UTF-8 either). A NUL is refused here, before decoding, so its
    /// <see cref="GrubConfigException.ByteOffset"/> is the file's even after undecodable bytes.
    /// </summary>
    public static Menu Parse(byte[] cfgBytes, Func<string, IReadOnlyList<BlsFile>>? blsLoader = null, string? configPath = null)
    {
        ArgumentNullException.ThrowIfNull(cfgBytes);
        int nul = cfgBytes.AsSpan().IndexOf((byte)0);
        if (nul >= 0)
        {
            throw new GrubConfigException(cfgBytes.AsSpan(0, nul).Count((byte)'\n') + 1, nul, GrubScriptLexer.NulProblem);
        }

        return Parse(Utf8.GetString(cfgBytes), blsLoader, configPath);
    }

    public static Menu Parse(string cfgText, Func<string, IReadOnlyList<BlsFile>>? blsLoader = null, string? configPath = null)
    {
        ArgumentNullException.ThrowIfNull(cfgText);
        var script = GrubScriptParser.Parse(cfgText);
        var builder = new Builder(blsLoader);
        var items = builder.Items(script, conditional: false, sourceNesting: 0, []);
        return Menu.Create(items, configPath, Boot.GrubContract.Find(cfgText), builder.Warnings);
    }

    private sealed class Builder(Func<string, IReadOnlyList<BlsFile>>? blsLoader)
    {
        public List<string> Warnings { get; } = [];

        /// <summary>Adds the items of <paramref name="script"/> to <paramref name="items"/>: one list for every nested 'if', not a copy per level.</summary>
        public List<DraftNode> Items(IReadOnlyList<ScriptNode> script, bool conditional, int sourceNesting, List<DraftNode> items)
        {
            foreach (ScriptNode node in script)
            {
                switch (node)
                {
                    case ConditionalNode branch:
                        Items(branch.Body, conditional: true, sourceNesting, items);
                        break;
                    case CommandNode { Name: "menuentry" or "submenu" } command:
                        if (MenuCommand(command, conditional, sourceNesting) is { } item)
                        {
                            items.Add(item);
                        }

                        break;
                    case CommandNode { Name: "blscfg" or "bls_import" } command when blsLoader is not null:
                        items.AddRange(BlsEntries.Build(blsLoader(DefaultBlsDirectory), conditional, command.Line, Warnings));
                        break;
                }
            }

            return items;
        }

        /// <summary>
        /// A <c>menuentry</c> or <c>submenu</c> command as grub-core/commands/menuentry.c takes it,
        /// with its options parsed by grub_arg_parse (grub-core/lib/arg.c). Returns null where GRUB
        /// would fail the command and add nothing.
        /// </summary>
        private DraftNode? MenuCommand(CommandNode command, bool conditional, int sourceNesting)
        {
            var options = MenuOptions.Parse(command.Words.From(1).ConvertAll(ArgumentValue));
            if (options is null || options.Positional.Count == 0)
            {
                return null;
            }

            IReadOnlyList<ScriptNode> body;
            if (command.Block is { } block)
            {
                if (options.Source is not null)
                {
                    return null;
                }

                body = block;
            }
            else if (options.Source is { } source && sourceNesting < MaxSourceNesting)
            {
                body = ParseSource(source);
                sourceNesting++;
            }
            else
            {
                return null;
            }

            // Appliance's own fallback entry exists only on the trial boots that may need it
            // (grub/appliance.cfg); on every boot the agent resolves references from, it is absent.
            if (options.Id == Boot.GrubContract.FallbackEntryId)
            {
                return null;
            }

            string title = options.Positional[0];
            if (command.Name == "submenu")
            {
                return new DraftNode(title, options.Id, conditional, command.Line, options.Classes, null, [], string.Empty, null, Items(body, conditional, sourceNesting, []));
            }

            var commands = new List<CommandNode>(Commands(body));
            CommandNode? linux = commands.Find(c => KernelCommands.Contains(c.Name));
            CommandNode? initrd = commands.Find(c => InitrdCommands.Contains(c.Name));
            string? kernel = linux is { Words.Count: > 1 } ? linux.Words[1].Value : null;
            string args = linux is null ? string.Empty : JoinWords(linux.Words.From(2));
            var initrds = initrd is null ? [] : initrd.Words.From(1).ConvertAll(w => w.Value).FindAll(v => v.Length > 0);
            return new DraftNode(title, options.Id, conditional, command.Line, options.Classes, kernel, initrds, args, null, null);
        }

        /// <summary>A <c>--source</c> body that does not parse leaves the entry without a kernel; GRUB would fail only when it is booted.</summary>
        private static IReadOnlyList<ScriptNode> ParseSource(string source)
        {
            try
            {
                return GrubScriptParser.Parse(source);
            }
            catch (GrubConfigException)
            {
                return [];
            }
        }

        /// <summary>
        /// grub-mkconfig writes <c>$menuentry_id_option</c>, which 00_header sets to <c>--id</c>
        /// whenever GRUB has <c>feature_menuentry_id</c> (every GRUB since 2.00).
        /// </summary>
        private static string ArgumentValue(Token word) =>
            word.SoleVariable == "menuentry_id_option" ? "--id" : word.Value;

        private static string JoinWords(IEnumerable<Token> words) =>
            string.Join(' ', words.Map(w => w.Value).FindAll(v => v.Length > 0));

        /// <summary>The commands of a body in source order, looking into <c>if</c>s and loops but not into nested blocks.</summary>
        private static IEnumerable<CommandNode> Commands(IReadOnlyList<ScriptNode> body)
        {
            foreach (ScriptNode node in body)
            {
                if (node is CommandNode command)
                {
                    yield return command;
                }
                else if (node is ConditionalNode branch)
                {
                    foreach (CommandNode inner in Commands(branch.Body))
                    {
                        yield return inner;
                    }
                }
            }
        }
    }

    /// <summary>
    /// menuentry.c's options as grub_arg_parse reads them with GRUB_COMMAND_ACCEPT_DASH: a word not
    /// starting with <c>-</c>, a lone <c>-</c>, any short option and any unknown long option are
    /// plain arguments; <c>--</c> makes the rest plain; <c>--opt=value</c> or <c>--opt value</c>
    /// where the value does not start with <c>-</c>.
    /// </summary>
    private sealed record MenuOptions(List<string> Positional, List<string> Classes, string? Id, string? Source)
    {
        private static readonly string[] WithValue = ["class", "users", "hotkey", "source", "id"];
        private static readonly string[] Flags = ["unrestricted", "help", "usage"];

        /// <summary>Null where grub_arg_parse fails (a missing value, a value given to a flag) or <c>--help</c> is given.</summary>
        public static MenuOptions? Parse(List<string> words)
        {
            var options = new MenuOptions([], [], null, null);
            for (int i = 0; i < words.Count; i++)
            {
                string word = words[i];
                if (word.Length < 2 || word[0] != '-' || word[1] != '-')
                {
                    options.Positional.Add(word);
                    continue;
                }

                if (word.Length == 2)
                {
                    options.Positional.AddRange(words.GetRange(i + 1, words.Count - (i + 1)));
                    break;
                }

                int equals = word.IndexOf('=');
                string name = equals < 0 ? word[2..] : word[2..equals];
                string? value = equals < 0 ? null : word[(equals + 1)..];
                bool takesValue = WithValue.Contains(name);
                if (!takesValue && !Flags.Contains(name))
                {
                    options.Positional.Add(word);
                    continue;
                }

                if (takesValue && value is null && i + 1 < words.Count && !words[i + 1].StartsWith('-'))
                {
                    value = words[++i];
                }

                if (takesValue != (value is not null) || name is "help" or "usage")
                {
                    return null;
                }

                switch (name)
                {
                    case "class":
                        options.Classes.Add(value!);
                        break;
                    case "id":
                        options = options with { Id = value };
                        break;
                    case "source":
                        options = options with { Source = value };
                        break;
                }
            }

            return options;
        }
    }
}
