using Guardia.Core.Templating.Prometheus;

namespace Guardia.Core.Tests.Templating;

public sealed class HumanizeTests
{
    static TheoryDataRow<double, string, string, string, string, string> Row(string name, double v, string humanize, string h1024, string duration, string percentage, string timestamp) =>
        new(v, humanize, h1024, duration, percentage, timestamp) { TestDisplayName = name };

    // Outputs recorded from Prometheus 2.42's promtool (test rules) for the same values.
    public static IEnumerable<TheoryDataRow<double, string, string, string, string, string>> Cases =>
    [
        Row("zero", 0, "0", "0", "0s", "0%", "1970-01-01 00:00:00 +0000 UTC"),
        Row("one", 1, "1", "1", "1s", "100%", "1970-01-01 00:00:01 +0000 UTC"),
        Row("minus one", -1, "-1", "-1", "-1s", "-100%", "1969-12-31 23:59:59 +0000 UTC"),
        Row("half", 0.5, "500m", "0.5", "500ms", "50%", "1970-01-01 00:00:00.5 +0000 UTC"),
        Row("milli", 0.001234, "1.234m", "0.001234", "1.234ms", "0.1234%", "1970-01-01 00:00:00.001 +0000 UTC"),
        Row("kilo", 1234, "1.234k", "1.205ki", "20m 34s", "1.234e+05%", "1970-01-01 00:20:34 +0000 UTC"),
        Row("mega", 1234567, "1.235M", "1.177Mi", "14d 6h 56m 7s", "1.235e+08%", "1970-01-15 06:56:07 +0000 UTC"),
        Row("nano", 1e-9, "1n", "1e-09", "1ns", "1e-07%", "1970-01-01 00:00:00 +0000 UTC"),
        Row("five percent", 0.05, "50m", "0.05", "50ms", "5%", "1970-01-01 00:00:00.05 +0000 UTC"),
        Row("almost one", 0.9999, "999.9m", "0.9999", "999.9ms", "99.99%", "1970-01-01 00:00:00.999 +0000 UTC"),
        Row("seconds with decimals", 12.345, "12.35", "12.35", "12.35s", "1234%", "1970-01-01 00:00:12.345 +0000 UTC"),
        Row("minute and a second", 61, "61", "61", "1m 1s", "6100%", "1970-01-01 00:01:01 +0000 UTC"),
        Row("hour", 3600, "3.6k", "3.516ki", "1h 0m 0s", "3.6e+05%", "1970-01-01 01:00:00 +0000 UTC"),
        Row("day", 86400, "86.4k", "84.38ki", "1d 0h 0m 0s", "8.64e+06%", "1970-01-02 00:00:00 +0000 UTC"),
        Row("day and more", 90061.5, "90.06k", "87.95ki", "1d 1h 1m 1s", "9.006e+06%", "1970-01-02 01:01:01.5 +0000 UTC"),
        Row("negative day", -90061, "-90.06k", "-87.95ki", "-1d 1h 1m 1s", "-9.006e+06%", "1969-12-30 22:58:59 +0000 UTC"),
        Row("micro", 0.0005, "500u", "0.0005", "500us", "0.05%", "1970-01-01 00:00:00 +0000 UTC"),
        Row("kibi", 1024, "1.024k", "1ki", "17m 4s", "1.024e+05%", "1970-01-01 00:17:04 +0000 UTC"),
        Row("mebi", 1048576, "1.049M", "1Mi", "12d 3h 16m 16s", "1.049e+08%", "1970-01-13 03:16:16 +0000 UTC"),
        Row("rounds up to next digit", 999.95, "1000", "1000", "16m 39s", "1e+05%", "1970-01-01 00:16:39.95 +0000 UTC"),
        Row("rounds to 1000k", 999950, "1000k", "976.5ki", "11d 13h 45m 50s", "1e+08%", "1970-01-12 13:45:50 +0000 UTC"),
        Row("many decimals", 0.12345678, "123.5m", "0.1235", "123.5ms", "12.35%", "1970-01-01 00:00:00.123 +0000 UTC"),
        Row("not a number", double.NaN, "NaN", "NaN", "NaN", "NaN%", "NaN"),
        Row("infinity", double.PositiveInfinity, "+Inf", "+Inf", "+Inf", "+Inf%", "+Inf"),
        Row("negative infinity", double.NegativeInfinity, "-Inf", "-Inf", "-Inf", "-Inf%", "-Inf"),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Humanize_MatchesPrometheus_WhenGivenValue(double v, string humanize, string h1024, string duration, string percentage, string timestamp)
    {
        Assert.Equal(humanize, PrometheusFunctions.Humanize(v));
        Assert.Equal(h1024, PrometheusFunctions.Humanize1024(v));
        Assert.Equal(duration, PrometheusFunctions.HumanizeDuration(v));
        Assert.Equal(percentage, PrometheusFunctions.HumanizePercentage(v));
        Assert.Equal(timestamp, PrometheusFunctions.HumanizeTimestamp(v));
    }

    static TheoryDataRow<string, string> Ann(string name, string text, string expected) => new(text, expected) { TestDisplayName = name };

    // Annotation templates from ../shared/fixtures rules, expanded as Prometheus 2.42 would.
    public static IEnumerable<TheoryDataRow<string, string>> FixtureAnnotations =>
    [
        Ann("api down", "API {{ $labels.instance }} has been down for more than 1 minute", "API api-1:8080 has been down for more than 1 minute"),
        Ann("error rate percentage", "Error rate is {{ $value | humanizePercentage }}", "Error rate is 7.5%"),
        Ann("database down", "Database {{ $labels.instance }} is unreachable", "Database api-1:8080 is unreachable"),
        Ann("latency raw value", "P95 latency is {{ $value }}s", "P95 latency is 0.075s"),
        Ann("cpu summary", "High CPU usage on {{ $labels.instance }}", "High CPU usage on api-1:8080"),
        Ann("missing label is empty", "[{{ $labels.nope }}]", "[]"),
        Ann("external labels and url", "{{ $externalLabels.cluster }} {{ $externalURL }}", "lima http://prom:9090"),
        Ann("humanize via pipeline", "{{ $value | humanize }} {{ humanizeDuration 3661 }} {{ 1048576 | humanize1024 }}", "75m 1h 1m 1s 1Mi"),
        Ann("printf on value", "{{ printf \"%.2f\" $value }}", "0.07"),
        Ann("error is reported inline", "{{ $value | humanize \"x\" }}", "<error expanding template: error executing template __alert_HighErrorRate: template: __alert_HighErrorRate:1:124: executing \"__alert_HighErrorRate\" at <humanize>: wrong number of args for humanize: want 1 got 2>"),
    ];

    [Theory]
    [MemberData(nameof(FixtureAnnotations))]
    public void Expand_MatchesPrometheus_WhenGivenRuleAnnotation(string text, string expected)
    {
        var labels = new Dictionary<string, string> { ["instance"] = "api-1:8080", ["job"] = "tiendi-api" };
        var external = new Dictionary<string, string> { ["cluster"] = "lima" };
        Assert.Equal(expected, RuleAnnotationTemplate.Expand("HighErrorRate", text, labels, external, "http://prom:9090", 0.075));
    }
}
