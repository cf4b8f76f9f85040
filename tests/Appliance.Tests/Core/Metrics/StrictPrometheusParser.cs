using System.Globalization;
using System.Text;

namespace Appliance.Tests.Core.Metrics;

/// <summary>One parsed sample: metric name, labels in file order, value.</summary>
public sealed record ParsedSample(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels, double Value)
{
    public string? Label(string name) => Labels.FirstOrDefault(l => l.Key == name).Value;
}

public sealed record ParsedFamily(string Name, string Help, string Type, IReadOnlyList<ParsedSample> Samples);

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4 (the grammar in
/// prometheus/docs exposition_formats.md and expfmt's text_parse.go), used because promtool
/// is not a build dependency. Stricter than Prometheus where Appliance has no reason to be
/// loose: every family has exactly one HELP then one TYPE before its samples, a family's
/// samples are contiguous, no blank lines, no timestamps, counters are finite and not negative,
/// and a series appears once. Any violation throws <see cref="FormatException"/> naming the line.
/// </summary>
public static class StrictPrometheusParser
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    public static IReadOnlyList<ParsedFamily> Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("the last line does not end with a line feed");
        }

        var families = new List<ParsedFamily>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        string? help = null, helpName = null, type = null, current = null;
        List<ParsedSample>? samples = null;
        var series = new HashSet<string>(StringComparer.Ordinal);
        string[] lines = text.Length == 0 ? [] : text[..^1].Split('\n');
        for (int n = 1; n <= lines.Length; n++)
        {
            string line = lines[n - 1];
            string where = $"line {n} '{line}'";
            if (line.Length == 0)
            {
                throw new FormatException($"{where}: blank line");
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                Close();
                string rest = line[7..];
                int space = rest.IndexOf(' ');
                helpName = space < 0 ? rest : rest[..space];
                RequireMetricName(helpName, where);
                if (!names.Add(helpName))
                {
                    throw new FormatException($"{where}: second block for {helpName}");
                }

                help = UnescapeHelp(space < 0 ? "" : rest[(space + 1)..], where);
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                string[] parts = line[7..].Split(' ');
                if (parts.Length != 2 || parts[0] != helpName || current is not null)
                {
                    throw new FormatException($"{where}: TYPE must follow its own HELP line directly");
                }

                if (!Types.Contains(parts[1]))
                {
                    throw new FormatException($"{where}: unknown type {parts[1]}");
                }

                current = parts[0];
                type = parts[1];
                samples = [];
                continue;
            }

            if (line.StartsWith('#'))
            {
                throw new FormatException($"{where}: comment lines other than HELP and TYPE are not expected");
            }

            var sample = ParseSample(line, where);
            if (current is null || sample.Name != current)
            {
                throw new FormatException($"{where}: sample outside its family's block (current family: {current ?? "none"})");
            }

            if (type == "counter" && (double.IsNaN(sample.Value) || double.IsInfinity(sample.Value) || sample.Value < 0))
            {
                throw new FormatException($"{where}: a counter must be finite and not negative");
            }

            string key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";
            if (!series.Add(key))
            {
                throw new FormatException($"{where}: series {key} appears twice");
            }

            samples!.Add(sample);
        }

        Close();
        return families;

        void Close()
        {
            if (helpName is not null && current is null)
            {
                throw new FormatException($"HELP for {helpName} without a TYPE line");
            }

            if (current is not null)
            {
                families.Add(new ParsedFamily(current, help!, type!, samples!));
            }

            help = helpName = type = current = null;
            samples = null;
        }
    }

    private static ParsedSample ParseSample(string line, string where)
    {
        int i = 0;
        while (i < line.Length && line[i] is not ('{' or ' '))
        {
            i++;
        }

        string name = line[..i];
        RequireMetricName(name, where);
        var labels = new List<KeyValuePair<string, string>>();
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                int start = i;
                while (i < line.Length && line[i] != '=')
                {
                    i++;
                }

                string label = line[start..i];
                if (!IsName(label, colon: false) || label.StartsWith("__", StringComparison.Ordinal))
                {
                    throw new FormatException($"{where}: bad label name '{label}'");
                }

                if (labels.Any(l => l.Key == label))
                {
                    throw new FormatException($"{where}: label {label} twice");
                }

                if (i + 1 >= line.Length || line[i + 1] != '"')
                {
                    throw new FormatException($"{where}: label value of {label} not quoted");
                }

                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new FormatException($"{where}: unterminated label value");
                    }

                    char c = line[i++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c == '\\')
                    {
                        char e = i < line.Length ? line[i++] : throw new FormatException($"{where}: backslash at end of line");
                        value.Append(e switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException($"{where}: invalid escape \\{e} in a label value"),
                        });
                    }
                    else
                    {
                        value.Append(c);
                    }
                }

                labels.Add(new(label, value.ToString()));
                if (i < line.Length && line[i] == ',')
                {
                    i++;
                    continue;
                }

                if (i < line.Length && line[i] == '}')
                {
                    i++;
                    break;
                }

                throw new FormatException($"{where}: expected ',' or '}}' after a label");
            }
        }

        if (i >= line.Length || line[i] != ' ')
        {
            throw new FormatException($"{where}: expected one space before the value");
        }

        string number = line[(i + 1)..];
        if (number.Contains(' '))
        {
            throw new FormatException($"{where}: timestamps or trailing text are not expected");
        }

        return new ParsedSample(name, labels, ParseValue(number, where));
    }

    /// <summary>Go's ParseFloat as Prometheus uses it: decimal or exponent notation, NaN, +Inf, -Inf.</summary>
    private static double ParseValue(string text, string where)
    {
        switch (text)
        {
            case "NaN":
                return double.NaN;
            case "+Inf" or "Inf":
                return double.PositiveInfinity;
            case "-Inf":
                return double.NegativeInfinity;
        }

        if (text.Length == 0 || !text.All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-')
            || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw new FormatException($"{where}: '{text}' is not a number");
        }

        return value;
    }

    private static string UnescapeHelp(string text, string where)
    {
        var result = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                result.Append(text[i]);
                continue;
            }

            char e = ++i < text.Length ? text[i] : throw new FormatException($"{where}: backslash at end of HELP");
            result.Append(e switch
            {
                '\\' => '\\',
                'n' => '\n',
                _ => throw new FormatException($"{where}: invalid escape \\{e} in HELP"),
            });
        }

        return result.ToString();
    }

    private static void RequireMetricName(string name, string where)
    {
        if (!IsName(name, colon: true))
        {
            throw new FormatException($"{where}: bad metric name '{name}'");
        }
    }

    private static bool IsName(string name, bool colon) =>
        name.Length > 0 && name.Select((c, i) => char.IsAsciiLetter(c) || c == '_' || (colon && c == ':') || (i > 0 && char.IsAsciiDigit(c))).All(ok => ok);
}
