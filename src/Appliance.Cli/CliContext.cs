using System.CommandLine;
using Appliance.Linux.Boot;
using Appliance.Linux.Files;
using Appliance.Linux.Kernel;

namespace Appliance.Cli;

/// <summary>What every command needs: the writers, the clock, the file steps and the global options.</summary>
public sealed class CliContext
{
    private readonly Func<string, IRebooter> _rebooters;

    /// <param name="rebooters">Makes the rebooter for a root; every reboot a command asks for goes through <see cref="Reboot"/>.</param>
    public CliContext(TextWriter output, TextWriter error, TimeProvider time, IFileSteps fileSteps, Func<string, IRebooter> rebooters)
    {
        Output = output;
        Error = error;
        Time = time;
        FileSteps = fileSteps;
        _rebooters = rebooters;
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

    /// <summary>
    /// The <c>--root</c> a command was given (default <c>/</c>): the one place it is read. A root
    /// that is not a directory is an error, never an empty system: read as one, <c>check</c>
    /// would report healthy and <c>metrics</c> zeros for a typo.
    /// </summary>
    public string Root(ParseResult parsed)
    {
        string root = parsed.GetValue(RootOption) ?? "/";
        if (!Directory.Exists(root))
        {
            throw new FileProblemException(
                File.Exists(root) ? FileProblemKind.NotARegularFile : FileProblemKind.Missing,
                root,
                $"{RootOptionName} must name a directory (the tree that holds the system's boot/, etc/ and var/), and this {(File.Exists(root) ? "is a file" : "does not exist")}");
        }

        return root;
    }

    /// <summary>The trial-boot use cases over the command's <c>--root</c>.</summary>
    public TrialService Trials(ParseResult parsed) => new(Root(parsed), FileSteps, Time, Error);

    /// <summary>
    /// The one path by which a command reboots the machine. Guarded by <see cref="RunningSystem"/>:
    /// a command run on another tree (<c>--root /mnt/image</c> on a build host) must never reboot
    /// the host. Commands with an explicit <c>--reboot</c> call <see cref="RequireRebootable"/>
    /// before they change anything.
    /// </summary>
    public void Reboot(string root, string reason)
    {
        Output.Flush();
        RequireRebootable(root);
        _rebooters(root).Reboot(reason);
    }

    /// <summary>Refuses (exit 64, nothing changed) a reboot asked for on a tree that is not the running system.</summary>
    public static void RequireRebootable(string root) => RunningSystem.Require(root, "a reboot restarts the running machine");

    /// <summary>
    /// Prints a trial verb's result (message on stdout, notes and failed secondary writes on
    /// stderr) and picks its exit code: 71 when the boot's age cannot be told, 74 when a write
    /// after the decision failed (the decision stands), 1 for a boot that is not good, else 0.
    /// </summary>
    public int Report(TrialResult result, string prefix = "")
    {
        (result.End == TrialEnd.CannotTell ? Error : Output).WriteLine(prefix + result.Message);
        foreach (var failure in result.FailingChecks)
        {
            Error.WriteLine($"appliance: check {failure.Name}: {Appliance.Core.Health.HealthEvaluator.Label(failure.Result)}{(failure.Output.Length > 0 ? ": " + failure.Output.Trim() : "")}");
        }

        foreach (string note in result.OperatorNotes)
        {
            Error.WriteLine($"appliance: {note}");
        }

        foreach (string problem in result.SecondaryProblems)
        {
            Error.WriteLine($"appliance: {problem}");
        }

        return result.End switch
        {
            TrialEnd.CannotTell => ExitCodes.OsError,
            _ when result.SecondaryProblems.Count > 0 => ExitCodes.IoError,
            TrialEnd.NotGood => ExitCodes.BootNotGood,
            _ => ExitCodes.Ok,
        };
    }

    /// <summary>
    /// The <c>--deadline SEC</c> of <c>boot validate</c> and <c>check</c>: the range [Boot]
    /// ValidateDeadlineSec takes (1 s to a day). Zero or less would time every check out before it
    /// starts and reject a healthy trial, so it is refused as a usage error.
    /// </summary>
    public static Option<int?> DeadlineOption(string description)
    {
        int min = (int)Appliance.Core.Config.BootConfig.ValidateDeadlineMin.TotalSeconds;
        int max = (int)Appliance.Core.Config.BootConfig.ValidateDeadlineMax.TotalSeconds;
        var option = new Option<int?>("--deadline") { Description = description, HelpName = "SEC" };
        option.Validators.Add(result =>
        {
            // Tokens, not the value: a token that is not a number already has its own parse error.
            if (result.Tokens.Count == 1
                && int.TryParse(result.Tokens[0].Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int seconds)
                && (seconds < min || seconds > max))
            {
                result.AddError($"--deadline must be between {min} and {max} seconds, not {seconds}: it is how long the health checks may take in all");
            }
        });
        return option;
    }

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
            return e.Kind switch
            {
                Appliance.Core.Boot.TrialErrorKind.Invalid => ExitCodes.Usage,
                Appliance.Core.Boot.TrialErrorKind.Quarantined => ExitCodes.Config,
                _ => ExitCodes.TempFail,
            };
        }
        catch (Appliance.Core.Kexec.KexecPlanException e) when (e.Error == Appliance.Core.Kexec.KexecPlanError.NotRunningSystem)
        {
            Error.WriteLine($"appliance: {e.Message}");
            return ExitCodes.Usage;
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
