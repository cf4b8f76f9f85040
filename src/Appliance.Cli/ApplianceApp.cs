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

    public ApplianceApp(TextWriter output, TextWriter error, TimeProvider time, IFileSteps fileSteps)
    {
        _context = new CliContext(output, error, time, fileSteps);
    }

    public int Run(string[] args)
    {
        if (args.Length == 0)
        {
            BuildRoot(withHelpAndVersion: true).Parse(["--help"]).Invoke(new InvocationConfiguration { Output = _context.Error });
            return ExitCodes.Usage;
        }

        Command root = BuildRoot(WantsHelpOrVersion(args));
        // No response files: "@name" is a valid GRUB variable name (env get @x, env set @x=1),
        // not a file of arguments to read.
        ParseResult parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                _context.Error.WriteLine($"appliance: {parseError.Message}");
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

    private Command BuildRoot(bool withHelpAndVersion)
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
        root.Subcommands.Add(EnvCommands.Build(_context));
        root.Subcommands.Add(WatchdogCommands.Build(_context));
        root.Subcommands.Add(EntriesCommand.Build(_context));
        root.Subcommands.Add(KexecCommands.Build(_context));
        root.Subcommands.Add(RebootCommand.Build(_context));
        root.Subcommands.Add(UpgradeCommands.Build(_context));
        root.Subcommands.Add(BootCommands.Build(_context));
        root.Subcommands.Add(StatusCommand.Build(_context));
        root.Subcommands.Add(CheckCommand.Build(_context));
        root.Subcommands.Add(MetricsCommand.Build(_context));
        return root;
    }
}
