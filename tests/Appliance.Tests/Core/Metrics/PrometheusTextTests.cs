using Appliance.Core.Metrics;
using Appliance.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Appliance.Tests.Core.Metrics;

public sealed class PrometheusTextTests
{
    /// <summary>Strings built from what the format must escape, what it must not, and ordinary text.</summary>
    private static readonly Gen<string> Text =
        from n in Gen.Choose(0, 12)
        from pieces in Gen.ArrayOf(Gen.Elements("\\", "\"", "\n", "\\n", "{", "}", "=", ",", " ", "#", "\t", "\r", "é", "\u2028", "\U0001F600", "a", "reason", "0"), n)
        select string.Concat(pieces);

    [Fact]
    public void Format_AnyLabelValueAndHelp_StrictParserReadsBackTheSameText()
    {
        int hostile = 0;
        Check.One(Properties.Runs(300), Prop.ForAll(Arb.From(Text), Arb.From(Text), (string value, string help) =>
        {
            string text = PrometheusText.Format([new MetricFamily("appliance_x_total", help, MetricType.Counter, [MetricSample.Of("check", value, 3)])]);
            var family = Assert.Single(StrictPrometheusParser.Parse(text));
            Assert.Equal(help, family.Help);
            Assert.Equal(value, Assert.Single(family.Samples).Label("check"));
            if (value.IndexOfAny(['"', '\\', '\n']) >= 0)
            {
                hostile++;
            }
        }));

        Assert.True(hostile > 10, $"only {hostile} values needed escaping");
    }

    [Theory]
    [InlineData("a\"b\\c\nd", "a\\\"b\\\\c\\nd")]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData("tab\there", "tab\there")]
    public void EscapeLabelValue_SpecialCharacters_EscapedAsTheFormatSays(string value, string expected) =>
        Assert.Equal(expected, PrometheusText.EscapeLabelValue(value));

    [Fact]
    public void Format_Family_HelpTypeThenSamplesInOrder()
    {
        string text = PrometheusText.Format(
        [
            new("appliance_rollbacks_total", "Rollbacks \\ by \"reason\"\nsecond line.", MetricType.Counter,
                [MetricSample.Of("reason", "a", 1), MetricSample.Of("reason", "b", 0)]),
            new("appliance_trial_active", "Trial.", MetricType.Gauge, [MetricSample.Of(1)]),
        ]);
        Assert.Equal(
            "# HELP appliance_rollbacks_total Rollbacks \\\\ by \"reason\"\\nsecond line.\n" +
            "# TYPE appliance_rollbacks_total counter\n" +
            "appliance_rollbacks_total{reason=\"a\"} 1\n" +
            "appliance_rollbacks_total{reason=\"b\"} 0\n" +
            "# HELP appliance_trial_active Trial.\n" +
            "# TYPE appliance_trial_active gauge\n" +
            "appliance_trial_active 1\n",
            text);
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(42.0, "42")]
    [InlineData(1.5, "1.5")]
    [InlineData(1e21, "1E+21")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void Value_Doubles_SpelledAsGoParsesThem(double value, string expected)
    {
        Assert.Equal(expected, PrometheusText.Value(value));
        string text = PrometheusText.Format([new("g", "h", MetricType.Gauge, [MetricSample.Of(value)])]);
        Assert.Equal(value, Assert.Single(Assert.Single(StrictPrometheusParser.Parse(text)).Samples).Value);
    }

    [Theory]
    [InlineData("1abc", "check")]
    [InlineData("with-dash", "check")]
    [InlineData("ok_name", "bad-label")]
    [InlineData("ok_name", "__reserved")]
    [InlineData("ok_name", "colon:label")]
    [InlineData("", "check")]
    public void Format_InvalidNames_Throws(string metric, string label) =>
        Assert.Throws<ArgumentException>(() => PrometheusText.Format([new(metric, "h", MetricType.Gauge, [MetricSample.Of(label, "v", 1)])]));

    [Fact]
    public void Format_DuplicateSeriesOrFamily_Throws()
    {
        Assert.Throws<ArgumentException>(() => PrometheusText.Format([new("a", "h", MetricType.Gauge, [MetricSample.Of("l", "v", 1), MetricSample.Of("l", "v", 2)])]));
        Assert.Throws<ArgumentException>(() => PrometheusText.Format([new("a", "h", MetricType.Gauge, []), new("a", "h", MetricType.Gauge, [])]));
    }

    [Theory]
    [InlineData("# HELP a h\n# TYPE a gauge\na{l=\"unescaped\"quote\"} 1\n")]
    [InlineData("# HELP a h\n# TYPE a gauge\na{l=\"bad\\t\"} 1\n")]
    [InlineData("# HELP a h\na 1\n")]
    [InlineData("# HELP a h\n# TYPE a counter\na -1\n")]
    [InlineData("# HELP a h\n# TYPE a gauge\na 1\na 2\n")]
    [InlineData("# HELP a h\n# TYPE a gauge\na 1")]
    [InlineData("# HELP a h\n# TYPE a gauge\nb 1\n")]
    [InlineData("# HELP a h\n# TYPE a gauge\na 1 1700000000\n")]
    [InlineData("# HELP a h\n# TYPE a gauge\na 0x10\n")]
    [InlineData("# HELP a h\n# TYPE a gauge\n\na 1\n")]
    public void StrictParser_MalformedText_Rejected(string text) =>
        Assert.Throws<FormatException>(() => StrictPrometheusParser.Parse(text));
}
