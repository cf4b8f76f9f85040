using System.Text.RegularExpressions;
using Appliance.Core.Collections;
using Appliance.Core.Health;
using Appliance.Core.Text;

namespace Appliance.Core.Config;

/// <summary>The configuration, or why there is none; warnings can come with either.</summary>
public sealed record ConfigParseResult(ApplianceConfig? Config, IReadOnlyList<ConfigDiagnostic> Diagnostics)
{
    public IEnumerable<ConfigDiagnostic> Errors => Diagnostics.Filter(d => d.Severity == ConfigSeverity.Error);

    public IEnumerable<ConfigDiagnostic> Warnings => Diagnostics.Filter(d => d.Severity == ConfigSeverity.Warning);

    /// <summary>The configuration; throws <see cref="ConfigException"/> listing every error when there is none.</summary>
    public ApplianceConfig Require() => Config ?? throw new ConfigException(Diagnostics);
}

/// <summary>
/// Parses <c>appliance.conf</c> and its drop-ins. Unlike systemd, which warns about an unknown
/// key and ignores it, every unknown section or key, bad value or stray line here is an error
/// and the whole configuration is refused: a misspelt <c>Triess=1</c> must not silently leave a
/// trial kernel three tries. Ignored are only <c>X-</c> sections and keys, which
/// systemd.syntax(7) leaves to other programs. Every section, <c>[Watchdog]</c> included, is
/// read by this one grammar with the value syntax of <see cref="ConfigValues"/>.
/// </summary>
public static partial class ConfigParser
{
    public const string CheckSectionPrefix = "Check:";

    public const string WatchdogSection = "Watchdog";

    private static readonly string[] FixedSections = ["Boot", "Checks", WatchdogSection];

    /// <param name="files">(path, text) of the main file then the drop-ins, in the order they apply: later files win, key by key.</param>
    public static ConfigParseResult Parse(IEnumerable<(string Path, string Text)> files)
    {
        var sections = new List<IniSection>();
        var assignments = new List<IniAssignment>();
        var diagnostics = new List<ConfigDiagnostic>();
        foreach ((string path, string text) in files)
        {
            IniReader.Read(path, text, sections, assignments, diagnostics);
        }

        foreach (IniSection s in sections)
        {
            if (!FixedSections.Contains(s.Name) && !s.Name.StartsWith(CheckSectionPrefix, StringComparison.Ordinal) && !s.Name.StartsWith("X-", StringComparison.Ordinal))
            {
                diagnostics.Add(new(ConfigSeverity.Error, s.File, s.Line, $"unknown section [{s.Name}]{Suggest.Hint(s.Name, [.. FixedSections, "Check:NAME"])}"));
            }
        }

        var checks = BuildChecks();
        var config = new ApplianceConfig
        {
            Boot = Applier("Boot").Apply(ConfigSchema.Boot, new BootConfig()),
            Checks = Applier("Checks").Apply(ConfigSchema.Checks, new ChecksConfig()),
            BuiltinChecks = checks,
            Watchdog = Applier(WatchdogSection).Apply(WatchdogSchema.Create(checks), WatchdogDraft.Defaults).Build(),
        };

        bool ok = !diagnostics.Exists(d => d.Severity == ConfigSeverity.Error);
        return new ConfigParseResult(ok ? config : null, diagnostics);

        SectionApplier Applier(string name) => new(
            name,
            sections.Find(s => s.Name == name) ?? new IniSection("", 0, name),
            assignments.FindAll(a => a.Section == name),
            diagnostics);

        IReadOnlyList<BuiltinCheckSettings> BuildChecks()
        {
            var checks = new Dictionary<string, BuiltinCheckSettings>(StringComparer.Ordinal);
            foreach (BuiltinCheckSettings check in ApplianceConfig.DefaultBuiltinChecks)
            {
                checks.Add(check.Name, check);
            }

            // A section given twice (or in several files) is applied once: Applier reads all its assignments.
            var seen = new HashSet<string>();
            foreach (IniSection header in sections)
            {
                if (!header.Name.StartsWith(CheckSectionPrefix, StringComparison.Ordinal) || !seen.Add(header.Name))
                {
                    continue;
                }

                string name = header.Name[CheckSectionPrefix.Length..];
                if (!CheckName().IsMatch(name))
                {
                    diagnostics.Add(new(ConfigSeverity.Error, header.File, header.Line, $"invalid check name in [{header.Name}]: use letters, digits, '-', '_', '.' and '@', starting with a letter or digit"));
                    continue;
                }

                if (ResolveType(header, name) is { } schema)
                {
                    checks[name] = schema.Build(name, Applier(header.Name));
                }
            }

            return [.. checks.Values.SortedBy(c => c.Name, StringComparer.Ordinal)];
        }

        ICheckSchema? ResolveType(IniSection header, string name)
        {
            IniAssignment? type = assignments.FindLast(a => a.Section == header.Name && a.Key == "Type" && a.Value.Length > 0);
            string types = string.Join(", ", ConfigSchema.CheckTypes.Keys.SortedOrdinal());
            if (type is null)
            {
                if (ConfigSchema.CheckTypes.TryGetValue(name, out ICheckSchema? implied))
                {
                    return implied;
                }

                diagnostics.Add(new(ConfigSeverity.Error, header.File, header.Line, $"[{header.Name}] needs Type= (one of {types}){Suggest.Hint(name, ConfigSchema.CheckTypes.Keys)}"));
                return null;
            }

            if (ConfigSchema.CheckTypes.TryGetValue(type.Value, out ICheckSchema? schema))
            {
                return schema;
            }

            diagnostics.Add(new(ConfigSeverity.Error, type.File, type.Line, $"unknown Type '{type.Value}' in [{header.Name}]{Suggest.Hint(type.Value, ConfigSchema.CheckTypes.Keys)}; expected one of {types}"));
            return null;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")]
    private static partial Regex CheckName();
}
