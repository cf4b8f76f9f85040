using System.Globalization;
using System.Text;

namespace Appliance.Core.Metrics;

/// <summary>The metric types of the text exposition format that Appliance emits.</summary>
public enum MetricType
{
    Counter,
    Gauge,
}

/// <summary>One sample: label pairs in the order given, and the value.</summary>
public sealed record MetricSample(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value)
{
    public static MetricSample Of(double value) => new([], value);

    public static MetricSample Of(string label, string labelValue, double value) => new([new(label, labelValue)], value);
}

/// <summary>A metric family: its name, HELP text, TYPE and samples. A family without samples is still written, so the metric is documented.</summary>
public sealed record MetricFamily(string Name, string Help, MetricType Type, IReadOnlyList<MetricSample> Samples);

/// <summary>
/// Writes the Prometheus text exposition format (version 0.0.4), as node_exporter's textfile
/// collector reads it: per family one HELP and one TYPE line, then its samples; label values
/// escaped (backslash, double quote, line feed) and HELP text escaped (backslash, line feed).
/// A name that breaks the format is a programming error and throws rather than producing a
/// file that the collector would reject as a whole.
/// </summary>
public static class PrometheusText
{
    public static string Format(IEnumerable<MetricFamily> families)
    {
        var text = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var family in families)
        {
            RequireName(family.Name, metric: true);
            if (!seen.Add(family.Name))
            {
                throw new ArgumentException($"metric family {family.Name} appears twice; the exposition format allows one block per name");
            }

            text.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type == MetricType.Counter ? "counter" : "gauge").Append('\n');
            var series = new HashSet<string>(StringComparer.Ordinal);
            foreach (var sample in family.Samples)
            {
                string labels = Labels(sample.Labels);
                if (!series.Add(labels))
                {
                    throw new ArgumentException($"metric {family.Name}{labels} appears twice");
                }

                text.Append(family.Name).Append(labels).Append(' ').Append(Value(sample.Value)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>A label value as the format quotes it: <c>\</c>, <c>"</c> and line feed escaped.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>HELP text: only <c>\</c> and line feed are escaped (a quote is literal there).</summary>
    public static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Go's strconv.ParseFloat spellings, which Prometheus parses: integers without a fraction, Inf and NaN by name.</summary>
    public static string Value(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    public static bool IsValidMetricName(string name) => IsValidName(name, metric: true);

    public static bool IsValidLabelName(string name) => IsValidName(name, metric: false) && !name.StartsWith("__", StringComparison.Ordinal);

    private static string Labels(IReadOnlyList<KeyValuePair<string, string>> labels)
    {
        if (labels.Count == 0)
        {
            return "";
        }

        var text = new StringBuilder("{");
        for (int i = 0; i < labels.Count; i++)
        {
            RequireName(labels[i].Key, metric: false);
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(labels[i].Key).Append("=\"").Append(EscapeLabelValue(labels[i].Value)).Append('"');
        }

        return text.Append('}').ToString();
    }

    private static void RequireName(string name, bool metric)
    {
        if (metric ? !IsValidMetricName(name) : !IsValidLabelName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid {(metric ? "metric" : "label")} name");
        }
    }

    /// <summary>[a-zA-Z_:][a-zA-Z0-9_:]* for metrics; labels the same without colons.</summary>
    private static bool IsValidName(string name, bool metric)
    {
        if (name.Length == 0)
        {
            return false;
        }

        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool ok = char.IsAsciiLetter(c) || c == '_' || (metric && c == ':') || (i > 0 && char.IsAsciiDigit(c));
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
