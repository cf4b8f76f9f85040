namespace Appliance.Core.Text;

/// <summary>"Did you mean" for a misspelt name: same letters in another case, or at most two edits away.</summary>
public static class Suggest
{
    /// <summary>The config diagnostics' form: " (did you mean 'X'?)", or "" when nothing is close.</summary>
    public static string Hint(string given, IEnumerable<string> known) =>
        Closest(given, known) is { } best ? $" (did you mean '{best}'?)" : "";

    /// <summary>The first of the closest names to <paramref name="given"/>, or null when none is within two edits.</summary>
    public static string? Closest(string given, IEnumerable<string> known)
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

        return best;
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
