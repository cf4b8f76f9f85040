using System.CommandLine;
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
        RootCommand root = BuildRoot();
        ParseResult parsed = root.Parse(args);
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

    private RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "Appliance: boot-safety agent. Counts trial boots in GRUB's environment block, commits or rolls back kernels, and pets watchdogs only while the machine is healthy.");
        root.Options.Add(_context.RootOption);
        root.Subcommands.Add(EnvCommands.Build(_context));
        return root;
    }
}
