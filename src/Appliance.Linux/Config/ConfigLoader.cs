using Appliance.Core.Collections;
using Appliance.Core.Config;
using Appliance.Linux.Health;
using Appliance.Linux.Native;

namespace Appliance.Linux.Config;

/// <summary>The configuration as read from disk, or why it could not be used.</summary>
/// <param name="Sources">Every file read, in the order applied, for other parsers of the same files (the watchdog daemon's [Watchdog]).</param>
public sealed record ConfigLoadResult(ApplianceConfig? Config, IReadOnlyList<ConfigDiagnostic> Diagnostics, IReadOnlyList<(string Path, string Text)> Sources)
{
    public IEnumerable<ConfigDiagnostic> Errors => Diagnostics.Filter(d => d.Severity == ConfigSeverity.Error);

    public IEnumerable<ConfigDiagnostic> Warnings => Diagnostics.Filter(d => d.Severity == ConfigSeverity.Warning);

    /// <summary>The configuration; throws <see cref="ConfigException"/> listing every error when there is none.</summary>
    public ApplianceConfig Require() => Config ?? throw new ConfigException(Diagnostics);
}

/// <summary>
/// Reads <c>etc/appliance/appliance.conf</c> and then the drop-ins
/// <c>etc/appliance/appliance.conf.d/*.conf</c> under the root, in lexical order, as systemd
/// reads a unit's drop-ins: a later file wins key by key. No file at all means the defaults.
/// Files and directories anybody but root can write are refused (see <see cref="FileTrust"/>).
/// </summary>
public static class ConfigLoader
{
    public const string MainFile = "/etc/appliance/appliance.conf";
    public const string DropInDirectory = "/etc/appliance/appliance.conf.d";

    /// <summary>Reads and parses; never throws for a problem in the files, which are all in <see cref="ConfigLoadResult.Diagnostics"/>.</summary>
    public static ConfigLoadResult Read(string root)
    {
        var diagnostics = new List<ConfigDiagnostic>();
        var sources = new List<(string Path, string Text)>();
        string main = RootedPath.Resolve(root, MainFile);
        string dropIns = RootedPath.Resolve(root, DropInDirectory);

        if (FileTrust.DirectoryChainProblem(root, Path.GetDirectoryName(main)!, "config directory") is { } parent)
        {
            diagnostics.Add(new(ConfigSeverity.Error, parent.Path, 0, parent.Problem));
        }

        AddFile(main, missingIsFine: true);

        if (FileStatus.Of(dropIns) is { } dirStatus)
        {
            if (!dirStatus.IsDirectory)
            {
                diagnostics.Add(new(ConfigSeverity.Error, dropIns, 0, "is not a directory"));
            }
            else if (FileTrust.Problem(dropIns, dirStatus, "config directory") is { } problem)
            {
                diagnostics.Add(new(ConfigSeverity.Error, dropIns, 0, problem));
            }
            else
            {
                foreach (string path in Directory.EnumerateFileSystemEntries(dropIns).SortedOrdinal())
                {
                    string name = Path.GetFileName(path);
                    if (CheckDirectory.IsHiddenOrBackup(name))
                    {
                        continue;
                    }

                    if (!name.EndsWith(".conf", StringComparison.Ordinal))
                    {
                        diagnostics.Add(new(ConfigSeverity.Warning, path, 0, "drop-ins must end in .conf, ignoring"));
                        continue;
                    }

                    AddFile(path, missingIsFine: false);
                }
            }
        }

        if (diagnostics.Exists(d => d.Severity == ConfigSeverity.Error))
        {
            return new ConfigLoadResult(null, diagnostics, sources);
        }

        ConfigParseResult parsed = ConfigParser.Parse(sources);
        return new ConfigLoadResult(parsed.Config, [.. diagnostics, .. parsed.Diagnostics], sources);

        void AddFile(string path, bool missingIsFine) => AddTrustedFile(path, missingIsFine ? null : "is a dangling symbolic link", diagnostics, sources);
    }

    /// <summary>
    /// One file given on the command line (<c>watchdog run --config FILE</c>), checked as the
    /// shipped files are: it must exist, be a regular file, and not be writable by others.
    /// </summary>
    public static ConfigLoadResult ReadFile(string path)
    {
        var diagnostics = new List<ConfigDiagnostic>();
        var sources = new List<(string Path, string Text)>();
        AddTrustedFile(path, "does not exist; fix --config", diagnostics, sources);
        if (diagnostics.Count > 0)
        {
            return new ConfigLoadResult(null, diagnostics, sources);
        }

        ConfigParseResult parsed = ConfigParser.Parse(sources);
        return new ConfigLoadResult(parsed.Config, parsed.Diagnostics, sources);
    }

    /// <param name="missing">The error for a file that is not there, or null when that is fine.</param>
    private static void AddTrustedFile(string path, string? missing, List<ConfigDiagnostic> diagnostics, List<(string Path, string Text)> sources)
    {
        FileStatus? status = FileStatus.Of(path);
        if (status is null)
        {
            if (missing is not null)
            {
                diagnostics.Add(new(ConfigSeverity.Error, path, 0, missing));
            }

            return;
        }

        if (!status.Value.IsRegularFile)
        {
            diagnostics.Add(new(ConfigSeverity.Error, path, 0, "is not a regular file"));
            return;
        }

        if (FileTrust.Problem(path, status.Value, "config file") is { } problem)
        {
            diagnostics.Add(new(ConfigSeverity.Error, path, 0, problem));
            return;
        }

        try
        {
            sources.Add((path, File.ReadAllText(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new(ConfigSeverity.Error, path, 0, $"cannot read: {e.Message}"));
        }
    }

    /// <summary>The configuration; throws <see cref="ConfigException"/> listing every error.</summary>
    public static ApplianceConfig Load(string root) => Read(root).Require();
}
