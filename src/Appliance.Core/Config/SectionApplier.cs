using Appliance.Core.Collections;
using Appliance.Core.Text;

namespace Appliance.Core.Config;

/// <summary>Applies one section's assignments, from every file in order (later wins), reporting each bad line.</summary>
internal sealed class SectionApplier(string title, IniSection header, IReadOnlyList<IniAssignment> assignments, List<ConfigDiagnostic> diagnostics)
{
    public T Apply<T>(SectionSchema<T> schema, T defaults)
    {
        T current = defaults;
        bool failed = false;
        foreach (IniAssignment a in assignments)
        {
            // systemd.syntax(7): keys starting with X- are for other programs and ignored.
            if (a.Key.StartsWith("X-", StringComparison.Ordinal))
            {
                continue;
            }

            ConfigKey<T>? key = schema.Keys.Find(k => k.Name == a.Key);
            if (key is null)
            {
                diagnostics.Add(new(ConfigSeverity.Error, a.File, a.Line, $"unknown key '{a.Key}' in [{title}]{Suggest.Hint(a.Key, schema.Keys.Map(k => k.Name))}"));
                failed = true;
                continue;
            }

            try
            {
                current = key.Set(current, a.Value, defaults);
            }
            catch (ConfigValueException e)
            {
                diagnostics.Add(new(ConfigSeverity.Error, a.File, a.Line, $"invalid value '{a.Value}' for {a.Key} in [{title}]: {e.Message}"));
                failed = true;
            }
        }

        if (!failed)
        {
            // Checks across keys are reported where the section was last changed.
            (string file, int line) = assignments.Count > 0 ? (assignments[^1].File, assignments[^1].Line) : (header.File, header.Line);
            foreach (string problem in schema.Validate(current))
            {
                diagnostics.Add(new(ConfigSeverity.Error, file, line, $"[{title}] {problem}"));
            }
        }

        return current;
    }
}
