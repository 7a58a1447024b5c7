using Guardia.Core.Configuration;
using Guardia.Core.Runbooks;

namespace Guardia.Core.Tests.Runbooks;

public sealed class RunbookParserTests
{
    const string English = """
        ---
        id: tenant-backlog
        title: Tenant backlog
        services: [tenant-service]
        alerts: [ConsumerBacklogHigh]
        owners: ["#oncall"]
        parameters:
          - name: NAMESPACE
            pattern: '[a-z0-9-]+'
            default: tenants
          - name: REPLICAS
            type: int
            required: true
          - name: TOKEN
            secret: true
        preconditions: [kubectl access]
        validation:
          interval: 30s
          deadline: 10m
        ---

        # Tenant backlog

        ## Diagnosis

        ```shell {id=check-lag timeout=30s auto}
        kubectl get pods -n "$NAMESPACE"
        ```

        ### Details

        ```promql {id=lag-query auto condition="< 5000"}
        max(broker_consumer_lag_max)
        ```

        ```yaml
        plain: documentation
        ```

        ## Mitigation

        ```kubectl {id=scale approve=2 when=check-lag.succeeded title="Scale out"}
        kubectl scale deploy/tenant-consumer -n "$NAMESPACE" --replicas="$REPLICAS"
        ```

        ```manual {id=tell-team}
        Tell the team in #oncall.
        ```

        ## Validation

        ```http {id=health}
        GET http://127.0.0.1:9093/-/healthy
        ```

        ## Communication

        ```wait {id=settle duration=30s}
        ```

        ## Post-incident

        ```sql {id=count connection=main when=always}
        SELECT 1;
        ```
        """;

    [Fact]
    public void Parse_ReadsFrontMatterSectionsAndSteps_WhenEnglish()
    {
        var r = RunbookParser.Parse(English, "en.md");

        Assert.Equal("tenant-backlog", r.Id);
        Assert.Equal(["tenant-service"], r.Services);
        Assert.Equal(["ConsumerBacklogHigh"], r.Alerts);
        Assert.Equal(3, r.Parameters.Count);
        Assert.Equal(RunbookParameterType.WholeNumber, r.Parameters[1].Type);
        Assert.True(r.Parameters[2].Secret);
        Assert.Equal(new ValidationSchedule(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10)), r.Validation);
        Assert.Equal(["check-lag", "lag-query", "scale", "tell-team", "health", "settle", "count"], r.Steps.Select(s => s.Id));
        Assert.Equal(
            [RunbookSection.Diagnosis, RunbookSection.Diagnosis, RunbookSection.Mitigation, RunbookSection.Mitigation, RunbookSection.Validation, RunbookSection.Communication, RunbookSection.PostIncident],
            r.Steps.Select(s => s.Section));
        var check = r.Step("check-lag")!;
        Assert.True(check.Auto);
        Assert.Equal(TimeSpan.FromSeconds(30), check.Timeout);
        Assert.Equal(26, check.Line);
        Assert.Equal("kubectl get pods -n \"$NAMESPACE\"", check.Body);
        var scale = r.Step("scale")!;
        Assert.Equal(2, scale.Approvals);
        Assert.Equal(new StepCondition(StepConditionKind.StepSucceeded, "check-lag"), scale.When);
        Assert.Equal("Scale out", scale.Title);
        Assert.Equal("< 5000", r.Step("lag-query")!.Attributes["condition"]);
        Assert.Equal(StepConditionKind.Always, r.Step("count")!.When.Kind);
        Assert.Equal(["check-lag", "lag-query"], r.AutoDiagnosisSteps.Select(s => s.Id));
        Assert.Equal(RunbookParser.DefaultTimeout, r.Step("health")!.Timeout);
    }

    [Fact]
    public void Parse_ReadsSpanishHeadings()
    {
        var spanish = English
            .Replace("## Diagnosis", "## 🔍 Diagnóstico inicial (5 minutos)", StringComparison.Ordinal)
            .Replace("## Mitigation", "## Mitigación", StringComparison.Ordinal)
            .Replace("## Validation", "## Validación", StringComparison.Ordinal)
            .Replace("## Communication", "## Comunicación", StringComparison.Ordinal)
            .Replace("## Post-incident", "## Post-incidente", StringComparison.Ordinal);

        var r = RunbookParser.Parse(spanish, "es.md");

        Assert.Equal(
            [RunbookSection.Diagnosis, RunbookSection.Diagnosis, RunbookSection.Mitigation, RunbookSection.Mitigation, RunbookSection.Validation, RunbookSection.Communication, RunbookSection.PostIncident],
            r.Steps.Select(s => s.Section));
    }

    static TheoryDataRow<string, string, int, string> Bad(string name, string find, string replace, int line, string message) =>
        new(find, replace, line, message) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, int, string>> BadCases =>
    [
        Bad("unknown kind", "```shell {id=check-lag timeout=30s auto}", "```bash {id=check-lag}", 26, "unknown step kind \"bash\""),
        Bad("missing id", "```shell {id=check-lag timeout=30s auto}", "```shell {timeout=30s}", 26, "has no id"),
        Bad("duplicate id", "```manual {id=tell-team}", "```manual {id=scale}", 46, "step id \"scale\" is already used on line 42"),
        Bad("bad timeout", "timeout=30s auto}", "timeout=soon auto}", 26, "invalid timeout \"soon\""),
        Bad("approve three", "approve=2 when", "approve=3 when", 42, "approve must be 1 or 2"),
        Bad("when names a later step", "when=check-lag.succeeded", "when=health.succeeded", 42, "invalid condition \"health.succeeded\""),
        Bad("unclosed quote", "title=\"Scale out\"}", "title=\"Scale out}", 42, "never closed"),
        Bad("unclosed braces", "```manual {id=tell-team}", "```manual {id=tell-team", 46, "not closed"),
        Bad("attribute twice", "```manual {id=tell-team}", "```manual {id=tell-team id=again}", 46, "attribute \"id\" is set twice"),
        Bad("manual auto", "```manual {id=tell-team}", "```manual {id=tell-team auto}", 46, "cannot be auto"),
        Bad("sql without connection", "connection=main ", string.Empty, 63, "has no connection"),
        Bad("wait without duration", "duration=30s", string.Empty, 58, "needs a duration"),
        Bad("step outside a section", "## Diagnosis", "## Overview", 26, "outside a section"),
        Bad("unknown front matter field", "owners: [\"#oncall\"]", "owner: [\"#oncall\"]", 6, "unknown field \"owner\""),
        Bad("bad parameter type", "    type: int", "    type: integer", 12, "unknown parameter type \"integer\""),
        Bad("default not matching pattern", "default: tenants", "default: Tenants!", 10, "does not match the pattern"),
        Bad("bad parameter name", "name: REPLICAS", "name: 9LIVES", 11, "parameter name \"9LIVES\""),
        Bad("duplicate parameter", "name: REPLICAS", "name: NAMESPACE", 11, "declared twice"),
        Bad("invalid yaml", "title: Tenant backlog", "title: Tenant: backlog: x", 3, "invalid YAML"),
        Bad("unclosed flow list", "services: [tenant-service]", "services: [tenant-service", 2, "invalid YAML"),
        Bad("runbook id with spaces", "id: tenant-backlog", "id: Tenant Backlog", 2, "runbook id"),
    ];

    [Theory]
    [MemberData(nameof(BadCases))]
    public void Parse_FailsWithFileAndLine_WhenInvalid(string find, string replace, int line, string message)
    {
        Assert.Contains(find, English, StringComparison.Ordinal);
        var text = English.Replace(find, replace, StringComparison.Ordinal);

        var ex = Assert.Throws<ConfigException>(() => RunbookParser.Parse(text, "bad.md"));

        Assert.Equal("bad.md", ex.File);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Equal(line, ex.Line);
    }

    [Theory]
    [InlineData("", 1, "starts with YAML front matter")]
    [InlineData("---\nid: x\ntitle: y\n", 1, "not closed")]
    [InlineData("---\ntitle: y\n---\n", 2, "no \"id\"")]
    [InlineData("---\nid: x\ntitle: y\n---\n## Diagnosis\n```shell {id=a}\necho hi\n", 6, "never closed")]
    [InlineData("---\nid: x\ntitle: y\n---\n## Diagnosis\n```shell {id=a x=\"1}\necho\n```\n", 6, "never closed")]
    [InlineData("---\nid: x\ntitle: y\n---\n## Diagnosis\n```shell {id=a} trailing\necho\n```\n", 6, "unexpected text")]
    [InlineData("---\nid: x\ntitle: y\n---\n## Diagnosis\n```shell {id=a}\n```\n", 6, "empty body")]
    [InlineData("---\nid: x\ntitle: y\n---\n## Diagnosis\n```shell {id=../../etc}\necho\n```\n", 6, "step id")]
    public void Parse_FailsWithPosition_OnMalformedFiles(string text, int line, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => RunbookParser.Parse(text, "f.md"));

        Assert.Equal(line, ex.Line);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReportsTheColumnOfTheBadAttribute()
    {
        var text = "---\nid: x\ntitle: y\n---\n## Diagnosis\n```shell {id=a timeout=never}\necho\n```\n";

        var ex = Assert.Throws<ConfigException>(() => RunbookParser.Parse(text, "f.md"));

        Assert.StartsWith("f.md:6:16: invalid timeout \"never\"", ex.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AcceptsByteOrderMarkAndCrLf()
    {
        var r = RunbookParser.Parse("\uFEFF" + English.Replace("\n", "\r\n", StringComparison.Ordinal), "crlf.md");

        Assert.Equal(7, r.Steps.Count);
        Assert.Equal("kubectl get pods -n \"$NAMESPACE\"", r.Step("check-lag")!.Body);
    }

    [Fact]
    public void Parse_KeepsPlainFencesAsDocumentation()
    {
        var text = "---\nid: x\ntitle: y\n---\n# Notes\n```shell\nrm -rf /\n```\n";

        Assert.Empty(RunbookParser.Parse(text, "f.md").Steps);
    }
}
