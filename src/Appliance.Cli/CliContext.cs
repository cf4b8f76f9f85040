using System.CommandLine;
using Appliance.Linux.Files;

namespace Appliance.Cli;

/// <summary>What every command needs: the writers, the clock, the file steps and the global options.</summary>
public sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error, TimeProvider time, IFileSteps fileSteps)
    {
        Output = output;
        Error = error;
        Time = time;
        FileSteps = fileSteps;
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public TimeProvider Time { get; }

    public IFileSteps FileSteps { get; }

    /// <summary>Every path Appliance reads or writes is resolved under this directory, so tests and image builders can work on a tree that is not the running system.</summary>
    public const string RootOptionName = "--root";

    public Option<string> RootOption { get; } = new(RootOptionName)
    {
        Description = "Resolve every system path under DIR instead of /",
        HelpName = "DIR",
        DefaultValueFactory = _ => "/",
        Recursive = true,
    };

    /// <summary>The <c>--root</c> a command was given (default <c>/</c>): the one place it is read.</summary>
    public string Root(ParseResult parsed) => parsed.GetValue(RootOption) ?? "/";

    /// <summary>Every command's <c>--json</c>: one JSON object on stdout (System.Text.Json source generation, Appliance.Core.Json).</summary>
    public static Option<bool> JsonOption(string description = "Print one JSON object") => new("--json") { Description = description };

    /// <summary>Runs a command body, reporting any error the way every command does.</summary>
    public int Guarded(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (FileProblemException e)
        {
            Error.WriteLine($"appliance: {e.Message}");
            return e.Kind switch
            {
                FileProblemKind.Missing or FileProblemKind.NotARegularFile => ExitCodes.NoInput,
                FileProblemKind.Corrupt or FileProblemKind.NoSpace => ExitCodes.DataError,
                FileProblemKind.InvalidChange => ExitCodes.Usage,
                FileProblemKind.PermissionDenied => ExitCodes.NoPermission,
                FileProblemKind.ReadOnlyFilesystem => ExitCodes.CantCreate,
                FileProblemKind.Busy => ExitCodes.TempFail,
                FileProblemKind.Unsupported => ExitCodes.Config,
                _ => ExitCodes.IoError,
            };
        }
        catch (Appliance.Core.Config.ConfigException e)
        {
            foreach (var diagnostic in e.Diagnostics)
            {
                Error.WriteLine($"appliance: {diagnostic}");
            }

            return ExitCodes.Config;
        }
        catch (Appliance.Core.Boot.TrialException e)
        {
            Error.WriteLine($"appliance: {e.Message}");
            return e.Kind == Appliance.Core.Boot.TrialErrorKind.Invalid ? ExitCodes.Usage : ExitCodes.DataError;
        }
        catch (UsageException e)
        {
            Error.WriteLine($"appliance: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Appliance.Linux.Native.MissingPackageException e)
        {
            Error.WriteLine($"appliance: {e.Message}");
            return ExitCodes.Unavailable;
        }
    }
}

/// <summary>An argument the parser accepted but the command cannot use; exit code 64.</summary>
public sealed class UsageException(string message) : Exception(message);
