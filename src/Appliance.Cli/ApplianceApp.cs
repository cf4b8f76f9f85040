using System.CommandLine;
using System.CommandLine.Help;
using Appliance.Cli.Commands;
using Appliance.Linux.Files;

namespace Appliance.Cli;

/// <summary>
/// The composition root: builds the command tree over the real adapters, runs one command and
/// turns every error into a message on stderr and a sysexits code. Output writers, clock and
/// file steps are injected so tests run the whole CLI in-process.
/// </summary>
public sealed class ApplianceApp
{
    private readonly CliContext _context;

    public ApplianceApp(TextWriter output, TextWriter error, TimeProvider time, IFileSteps fileSteps, Func<string, Appliance.Linux.Kernel.IRebooter> rebooters)
    {
        _context = new CliContext(output, error, time, fileSteps, rebooters);
    }

    public int Run(string[] args)
    {
        if (args.Length == 0)
        {
            BuildRoot(withHelpAndVersion: true, args).Parse(["--help"]).Invoke(new InvocationConfiguration { Output = _context.Error });
            return ExitCodes.Usage;
        }

        ParseResult parsed = Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (string problem in Problems(parsed))
            {
                _context.Error.WriteLine($"appliance: {problem}");
            }

            string path = HelpExamples.PathOf(parsed.CommandResult.Command);
            _context.Error.WriteLine($"Try 'appliance {(path.Length > 0 ? path + " " : "")}--help'.");
            return ExitCodes.Usage;
        }

        return parsed.Invoke(new InvocationConfiguration
        {
            Output = _context.Output,
            Error = _context.Error,
            EnableDefaultExceptionHandler = false,
        });
    }

    /// <summary>What is wrong with a command line, as the CLI would print it (empty when it parses); nothing runs.</summary>
    public IReadOnlyList<string> ParseProblems(string[] args) => Problems(Parse(args));

    // No response files: "@name" is a valid GRUB variable name (env get @x, env set @x=1),
    // not a file of arguments to read.
    private ParseResult Parse(string[] args) =>
        BuildRoot(WantsHelpOrVersion(args), args).Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

    /// <summary>
    /// The parse errors in words for people; the first word the parser did not know gets the
    /// closest sub-command or option of the command it was given to (the later ones are most
    /// often that word's arguments, and a guess for each would be noise).
    /// </summary>
    private static List<string> Problems(ParseResult parsed)
    {
        var problems = new List<string>();
        bool suggested = false;
        foreach (var parseError in parsed.Errors)
        {
            string message = ParseMessages.ForPeople(parseError.Message);
            if (!suggested && ParseMessages.Unrecognized(parseError.Message) is { } word
                && Appliance.Core.Text.Suggest.Closest(word, Known(parsed.CommandResult.Command)) is { } closest)
            {
                message = $"{message.TrimEnd('.')}; did you mean '{closest}'?";
                suggested = true;
            }

            problems.Add(message);
        }

        return problems;
    }

    /// <summary>The words a command accepts next: its sub-commands and options, with their aliases, and the options its parents pass down.</summary>
    private static IEnumerable<string> Known(Command command)
    {
        foreach (Command sub in command.Subcommands)
        {
            yield return sub.Name;
            foreach (string alias in sub.Aliases)
            {
                yield return alias;
            }
        }

        for (Command? c = command; c is not null; c = HelpExamples.ParentOf(c))
        {
            foreach (Option option in c.Options)
            {
                if (c == command || option.Recursive)
                {
                    yield return option.Name;
                }
            }
        }

        // --help is built only when asked for (see WantsHelpOrVersion), so a misspelt one is matched here.
        yield return "--help";
    }

    /// <summary>
    /// Builds the command tree. --help and --version are added only when asked for: their
    /// constructors load System.CommandLine's ResourceManager through reflection, which was a
    /// fifth of the start-up time of a plain <c>appliance env list</c> (perf, 2026-11).
    /// </summary>
    private static bool WantsHelpOrVersion(string[] args) =>
        Array.Exists(args, a => a is "-h" or "-?" or "--help" or "/?" or "/h" or "--version");

    private Command BuildRoot(bool withHelpAndVersion, string[] args)
    {
        var root = new Command(
            "appliance",
            "Appliance: boot-safety agent. Counts trial boots in GRUB's environment block, commits or rolls back kernels, and pets watchdogs only while the machine is healthy.");
        if (withHelpAndVersion)
        {
            root.Options.Add(HelpExamples.Option());
            root.Options.Add(new VersionOption());
        }

        root.Options.Add(_context.RootOption);
        string? named = withHelpAndVersion ? null : CommandWord(args);
        foreach (var (name, build) in Commands)
        {
            if (named is null || !IsCommand(named) || named == name)
            {
                root.Subcommands.Add(build(_context));
            }
        }

        return root;
    }

    /// <summary>
    /// The top-level commands, in help order. Only the one a command line names is built: each
    /// tree is dozens of objects and its code's pages, and <c>env list</c> or <c>boot validate</c>
    /// at every boot should not pay for the watchdog's (start-up time is what makes the bench's
    /// `env list` ratio). Help, and a word that names no command, get all of them, so help lists
    /// them and a typo gets its suggestion.
    /// </summary>
    private static readonly (string Name, Func<CliContext, Command> Build)[] Commands =
    [
        ("env", EnvCommands.Build),
        ("watchdog", WatchdogCommands.Build),
        ("entries", EntriesCommand.Build),
        ("kexec", KexecCommands.Build),
        ("reboot", RebootCommand.Build),
        ("upgrade", UpgradeCommands.Build),
        ("boot", BootCommands.Build),
        ("status", StatusCommand.Build),
        ("check", CheckCommand.Build),
        ("metrics", MetricsCommand.Build),
        ("drill", DrillCommand.Build),
    ];

    private static bool IsCommand(string word) => Array.Exists(Commands, c => c.Name == word);

    /// <summary>The first word that is not the global --root option or its value.</summary>
    private static string? CommandWord(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == CliContext.RootOptionName)
            {
                i++;
            }
            else if (!args[i].StartsWith(CliContext.RootOptionName + "=", StringComparison.Ordinal))
            {
                return args[i];
            }
        }

        return null;
    }
}
