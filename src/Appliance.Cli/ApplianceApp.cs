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

        Command root = BuildRoot(WantsHelpOrVersion(args), args);
        // No response files: "@name" is a valid GRUB variable name (env get @x, env set @x=1),
        // not a file of arguments to read.
        ParseResult parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                _context.Error.WriteLine($"appliance: {ParseMessages.ForPeople(parseError.Message)}");
            }

            _context.Error.WriteLine("Try 'appliance --help'.");
            return ExitCodes.Usage;
        }

        return parsed.Invoke(new InvocationConfiguration
        {
            Output = _context.Output,
            Error = _context.Error,
            EnableDefaultExceptionHandler = false,
        });
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
            root.Options.Add(new HelpOption());
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
