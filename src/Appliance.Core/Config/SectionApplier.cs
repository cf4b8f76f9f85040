using Appliance.Core.Collections;

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

/// <summary>"Did you mean" for a misspelt name: same letters in another case, or at most two edits away.</summary>
internal static class Suggest
{
    public static string Hint(string given, IEnumerable<string> known)
    {
        // The first of the closest: a later name must be strictly closer to replace it.
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string k in known)
        {
            int distance = string.Equals(k, given, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(k, given);
            if (distance <= 2 && distance < bestDistance)
            {
                best = k;
                bestDistance = distance;
            }
        }

        return best is null ? "" : $" (did you mean '{best}'?)";
    }

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            row[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }
}
