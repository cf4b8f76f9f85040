namespace Appliance.Core.Config;

/// <summary>A <c>[Section]</c> header as written, with where it was written.</summary>
internal sealed record IniSection(string File, int Line, string Name);

/// <summary>One <c>Key=Value</c> line, in the section it appeared under.</summary>
internal sealed record IniAssignment(string File, int Line, string Section, string Key, string Value);

/// <summary>
/// The systemd unit-file syntax (systemd.syntax(7)): <c>[Section]</c> headers, <c>Key=Value</c>
/// assignments with whitespace around both trimmed, comment lines starting with <c>#</c> or
/// <c>;</c>, and a trailing backslash continuing a line (comment lines inside a continuation
/// are dropped). As in systemd, a <c>#</c> after a value is part of the value.
/// </summary>
internal static class IniReader
{
    public static void Read(string file, string text, List<IniSection> sections, List<IniAssignment> assignments, List<ConfigDiagnostic> diagnostics)
    {
        string[] lines = text.Split('\n');
        string? section = null;
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            string line = lines[i].TrimEnd('\r').Trim();
            if (IsComment(line))
            {
                continue;
            }

            while (line.EndsWith('\\') && i + 1 < lines.Length)
            {
                string next = lines[++i].TrimEnd('\r').Trim();
                if (next.Length > 0 && IsComment(next))
                {
                    continue;
                }

                line = $"{line[..^1].TrimEnd()} {next}".TrimEnd();
            }

            if (line.EndsWith('\\'))
            {
                line = line[..^1].TrimEnd();
            }

            if (line.StartsWith('['))
            {
                if (!line.EndsWith(']') || line.Length < 3)
                {
                    diagnostics.Add(Error(file, lineNumber, $"invalid section header '{line}'"));
                    section = null;
                    continue;
                }

                section = line[1..^1];
                sections.Add(new IniSection(file, lineNumber, section));
                continue;
            }

            int equals = line.IndexOf('=');
            if (equals < 0)
            {
                diagnostics.Add(Error(file, lineNumber, $"expected Key=Value, [Section] or a comment, not '{line}'"));
                continue;
            }

            string key = line[..equals].TrimEnd();
            if (key.Length == 0)
            {
                diagnostics.Add(Error(file, lineNumber, $"assignment without a key: '{line}'"));
                continue;
            }

            if (section is null)
            {
                diagnostics.Add(Error(file, lineNumber, $"'{key}' is outside of any section"));
                continue;
            }

            assignments.Add(new IniAssignment(file, lineNumber, section, key, line[(equals + 1)..].TrimStart()));
        }
    }

    private static bool IsComment(string line) => line.Length == 0 || line[0] is '#' or ';';

    private static ConfigDiagnostic Error(string file, int line, string message) => new(ConfigSeverity.Error, file, line, message);
}
