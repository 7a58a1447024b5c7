using Guardia.Core.Runbooks;
using Guardia.Integrations.RunbookActions;

namespace Guardia.Integrations.Tests.RunbookActions;

public sealed class PromQlTests
{
    static TheoryDataRow<string, string, string> Bind(string name, string query, string value, string expected) =>
        new(query, value, expected) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, string>> Bindings =>
    [
        Bind("plain value",               "up{job=\"{p}\"}",                 "api",                        "up{job=\"api\"}"),
        Bind("breakout attempt",          "up{job=\"{p}\"}",                 "\"} or vector(1) #",         "up{job=\"\\\"} or vector(1) #\"}"),
        Bind("backslash then quote",      "up{job=\"{p}\"}",                 "\\\"} or vector(1) #",       "up{job=\"\\\\\\\"} or vector(1) #\"}"),
        Bind("newline",                   "up{job=\"{p}\"}",                 "a\n} or vector(1)",          "up{job=\"a\\n} or vector(1)\"}"),
        Bind("regex matcher is quoted",   "up{job=~\"{p}\"}",                ".*",                         "up{job=~\"\\\\.\\\\*\"}"),
        Bind("negative regex quoted",     "up{job !~ \"{p}\"}",              "a|b",                        "up{job !~ \"a\\\\|b\"}"),
        Bind("two uses",                  "sum(rate(x{a=\"{p}\",b=\"{p}\"}[5m]))", "v",                    "sum(rate(x{a=\"v\",b=\"v\"}[5m]))"),
    ];

    [Theory]
    [MemberData(nameof(Bindings))]
    public void BindQuery_WritesParameterAsEscapedString(string query, string value, string expected)
    {
        var bound = PromQlStepExecutor.BindQuery(Steps.Request("promql", query, Steps.Params(("p", value))), dryRun: false);

        Assert.Equal(expected, bound);
    }

    [Theory]
    [InlineData("unquoted label value", "up{job={p}}")]
    [InlineData("inside a longer string", "up{job=\"x-{p}\"}")]
    [InlineData("as a metric name", "{p}")]
    [InlineData("as a range", "rate(x[{p}])")]
    [InlineData("unknown parameter", "up{job=\"{other}\"}")]
    [InlineData("empty query", "  ")]
    public void BindQuery_Rejects_ParameterOutsideLabelValue(string name, string query)
    {
        _ = name;

        Assert.Throws<StepRejectedException>(() => PromQlStepExecutor.BindQuery(Steps.Request("promql", query, Steps.Params(("p", "5m"))), dryRun: false));
    }

    static TheoryDataRow<string, string, string> Cond(string name, string text, string canonical) =>
        new(name, text, canonical) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, string>> Conditions =>
    [
        Cond("less than",             "< 5000",                                   "< 5000"),
        Cond("greater than decimal",  ">0.99",                                    "> 0.99"),
        Cond("equals zero",           "== 0",                                     "== 0"),
        Cond("scientific",            ">= 1e3",                                   ">= 1000"),
        Cond("negative",              "!= -1",                                    "!= -1"),
        Cond("with decreasing",       "< 5000 and decreasing over 3 windows of 5m", "< 5000 and decreasing over 3 windows of 5m"),
        Cond("trend alone",           "increasing over 2 windows of 1m",          "increasing over 2 windows of 1m"),
        Cond("stable one window",     "<= 10 and stable over 1 window of 90s",    "<= 10 and stable over 1 windows of 1m30s"),
    ];

    [Theory]
    [MemberData(nameof(Conditions))]
    public void Parse_ReadsCondition(string name, string text, string canonical)
    {
        _ = name;

        Assert.Equal(canonical, PromQlCondition.Parse(text).ToString());
    }

    [Theory]
    [InlineData("no operator", "5000")]
    [InlineData("word operator", "lt 5000")]
    [InlineData("missing number", "<")]
    [InlineData("bad trend", "< 5 and falling over 3 windows of 5m")]
    [InlineData("bad window", "< 5 and decreasing over 3 windows of 5 minutes")]
    [InlineData("zero windows", "< 5 and decreasing over 0 windows of 5m")]
    [InlineData("sub-second window", "< 5 and decreasing over 3 windows of 500ms")]
    [InlineData("trailing junk", "< 5 or vector(1)")]
    [InlineData("empty", "")]
    public void Parse_Throws_OnMalformedCondition(string name, string text)
    {
        _ = name;

        Assert.Throws<FormatException>(() => PromQlCondition.Parse(text));
    }

    static TheoryDataRow<string, string, double[], bool> Trend(string name, string condition, double[] points, bool holds) =>
        new(name, condition, points, holds) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, double[], bool>> Trends =>
    [
        Trend("decreasing holds",        "decreasing over 3 windows of 5m", [9, 7, 5, 3],       true),
        Trend("flat is not decreasing",  "decreasing over 3 windows of 5m", [9, 7, 7, 3],       false),
        Trend("too few points",          "decreasing over 3 windows of 5m", [7, 5, 3],          false),
        Trend("uses the last points",    "decreasing over 2 windows of 5m", [1, 9, 7, 5],       true),
        Trend("increasing holds",        "increasing over 2 windows of 1m", [1, 2, 3],          true),
        Trend("increasing broken",       "increasing over 2 windows of 1m", [1, 3, 2],          false),
        Trend("stable within 1%",        "stable over 2 windows of 1m",     [100, 100.5, 99.8], true),
        Trend("stable broken",           "stable over 2 windows of 1m",     [100, 103, 100],    false),
        Trend("all zero is stable",      "stable over 2 windows of 1m",     [0, 0, 0],          true),
    ];

    [Theory]
    [MemberData(nameof(Trends))]
    public void CheckTrend_FollowsPoints(string name, string condition, double[] points, bool holds)
    {
        _ = name;

        Assert.Equal(holds, PromQlCondition.Parse(condition).CheckTrend(points) is null);
    }

    [Fact]
    public async Task ExecuteAsync_Rejects_UnknownDatasource()
    {
        var promql = new PromQlStepExecutor(new RunbookActionOptions(), TimeProvider.System);

        var result = await promql.ExecuteAsync(Steps.Request("promql", "up"), TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Rejected, result.Outcome);
        Assert.Contains("no Prometheus named \"default\"", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeDryRun_ShowsBoundQueryAndCondition_WithSecretsHidden()
    {
        var options = new RunbookActionOptions { Prometheus = new Dictionary<string, Uri> { ["default"] = new("http://127.0.0.1:9090") } };
        var promql = new PromQlStepExecutor(options, TimeProvider.System);

        var text = promql.DescribeDryRun(Steps.Request("promql", "queue_depth{tenant=\"{tenant}\", job=\"{job}\"}",
            Steps.Params(("tenant", "acme-secret"), ("job", "orders")), new Dictionary<string, string> { ["condition"] = "< 5000" }, secrets: ["tenant"]));

        Assert.Equal("query http://127.0.0.1:9090/: queue_depth{tenant=\"<secret>\", job=\"orders\"}\ncondition: < 5000", text);
    }
}
