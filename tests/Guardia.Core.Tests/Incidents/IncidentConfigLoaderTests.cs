using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Incidents;
using YamlDotNet.RepresentationModel;

namespace Guardia.Core.Tests.Incidents;

public sealed class IncidentConfigLoaderTests
{
    const string Example = """
        alertmanager_config_file: alertmanager.yml
        incidents:
          auto_resolve: true
          status_update_interval: 15m
          ack_link_ttl: 24h
          response_targets: {P1: 5m, P2: 15m, P3: 1h, P4: 8h}
        escalation_policies:
          - id: tiendi-default
            repeat: 1
            levels:
              - name: L1 on-call engineer
                targets: [{schedule: platform-weekly}]
                timeout: 5m
              - name: L2 team lead
                targets: [{user: luis}]
                timeout: 10m
              - name: L3 engineering manager
                targets: [{user: carla}]
                timeout: 15m
              - name: L4 CTO
                targets: [{user: cto}, {team: platform}]
                timeout: 30m
        incident_policies:
          - name: critical-pages
            matchers: ['severity=~"critical|warning"']
            receivers: [pagerduty-critical]      # optional: only groups routed to these receivers
            severity:
              label: severity
              map: {critical: P1, warning: P3}
              default: P3
            escalation_policy: tiendi-default
            auto_resolve: true
        """;

    static IncidentConfig Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return IncidentConfigLoader.Parse("guardia.yml", (YamlMappingNode)stream.Documents[0].RootNode);
    }

    [Fact]
    public void Parse_ReadsTheIssueExample_WithEveryField()
    {
        var config = Parse(Example);

        Assert.True(config.Settings.AutoResolve);
        Assert.Equal(TimeSpan.FromMinutes(15), config.Settings.StatusUpdateInterval);
        Assert.Equal(TimeSpan.FromHours(24), config.Settings.AckTokenLifetime);
        Assert.Equal([Severity.P1, Severity.P2], config.Settings.StatusUpdateSeverities);
        Assert.Equal(TimeSpan.FromHours(8), config.Settings.ResponseTarget(Severity.P4));
        var policy = config.EscalationPolicies["tiendi-default"];
        Assert.Equal(1, policy.Repeat);
        Assert.Equal(["L1 on-call engineer", "L2 team lead", "L3 engineering manager", "L4 CTO"], policy.Levels.Select(l => l.Name));
        Assert.Equal([TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30)], policy.Levels.Select(l => l.Timeout));
        Assert.Equal([new EscalationTarget(EscalationTargetKind.User, "cto"), new EscalationTarget(EscalationTargetKind.Team, "platform")], policy.Levels[3].Targets);
        var ip = Assert.Single(config.IncidentPolicies);
        Assert.Equal("critical-pages", ip.Name);
        Assert.Equal(["pagerduty-critical"], ip.Receivers);
        Assert.Equal("tiendi-default", ip.EscalationPolicy);
        Assert.True(ip.AutoResolve);
        Assert.True(ip.Matchers.Matches(LabelSet.Of(("severity", "warning"))));
        Assert.False(ip.Matchers.Matches(LabelSet.Of(("severity", "info"))));
        Assert.Equal(Severity.P1, ip.Severity.For(LabelSet.Of(("severity", "critical"))));
        Assert.Equal(Severity.P3, ip.Severity.For(LabelSet.Of(("severity", "whatever"))));
        Assert.Equal(5, config.TargetReferences.Count);
        var first = config.TargetReferences[0];
        Assert.Equal((new EscalationTarget(EscalationTargetKind.Schedule, "platform-weekly"), "tiendi-default", 0), (first.Target, first.EscalationPolicy, first.LevelIndex));
        Assert.Equal(new ConfigLocation("guardia.yml", 12, 19), first.Location);
    }

    [Fact]
    public void Parse_GivesDefaults_WhenTheSectionsAreAbsent()
    {
        var config = Parse("alertmanager_config_file: a.yml\n");
        Assert.Empty(config.EscalationPolicies);
        Assert.Empty(config.IncidentPolicies);
        Assert.Equal(TimeSpan.FromMinutes(5), config.Settings.ResponseTarget(Severity.P1));
        Assert.Equal(TimeSpan.FromMinutes(15), config.Settings.ResponseTarget(Severity.P2));
        Assert.Equal(TimeSpan.FromHours(1), config.Settings.ResponseTarget(Severity.P3));
        Assert.Equal(TimeSpan.FromHours(8), config.Settings.ResponseTarget(Severity.P4));
        Assert.True(config.Settings.AutoResolve);
    }

    [Fact]
    public void Parse_DefaultsSeverityRule_AndAcceptsAFixedSeverity()
    {
        var config = Parse("""
            incident_policies:
              - name: default-rule
              - name: fixed
                severity: P2
            """);
        Assert.Equal(Severity.P1, config.IncidentPolicies[0].Severity.For(LabelSet.Of(("severity", "critical"))));
        Assert.Equal(Severity.P3, config.IncidentPolicies[0].Severity.For(LabelSet.Empty));
        Assert.Null(config.IncidentPolicies[0].EscalationPolicy);
        Assert.Equal(Severity.P2, config.IncidentPolicies[1].Severity.For(LabelSet.Of(("severity", "critical"))));
    }

    static TheoryDataRow<string, string, int, int, string> Row(string name, string yaml, int line, int column, string message) =>
        new(name, yaml, line, column, message) { TestDisplayName = name };

    const string Level = "      - targets: [{user: ana}]\n        timeout: 5m\n";

    public static IEnumerable<TheoryDataRow<string, string, int, int, string>> Malformed =>
    [
        Row("unknown settings field", "incidents:\n  status_update_intervl: 15m\n", 2, 3, "unknown field \"status_update_intervl\" (did you mean \"status_update_interval\"?)"),
        Row("bad duration", "incidents:\n  ack_link_ttl: 24x\n", 2, 17, "in \"ack_link_ttl\""),
        Row("zero duration", "incidents:\n  status_update_interval: 0s\n", 2, 27, "\"status_update_interval\" must be longer than zero"),
        Row("bad severity in targets", "incidents:\n  response_targets: {P5: 5m}\n", 2, 22, "unknown severity \"P5\" in \"response_targets\""),
        Row("bad severity in reminders", "incidents:\n  status_update_severities: [P1, high]\n", 2, 34, "unknown severity \"high\""),
        Row("escalation policies not a list", "escalation_policies:\n  id: x\n", 2, 3, "\"escalation_policies\" must be a list"),
        Row("unknown escalation field", "escalation_policies:\n  - id: x\n    repaet: 1\n    levels:\n" + Level, 3, 5, "unknown field \"repaet\" (did you mean \"repeat\"?)"),
        Row("escalation without id", "escalation_policies:\n  - levels:\n" + Level, 2, 5, "escalation policy has no \"id\""),
        Row("duplicate escalation id", "escalation_policies:\n  - id: x\n    levels:\n" + Level + "  - id: x\n    levels:\n" + Level, 6, 9, "escalation policy \"x\" is defined twice"),
        Row("empty levels", "escalation_policies:\n  - id: x\n    levels: []\n", 3, 13, "escalation policy \"x\" has no levels"),
        Row("missing levels", "escalation_policies:\n  - id: x\n", 2, 5, "escalation policy \"x\" has no levels"),
        Row("negative repeat", "escalation_policies:\n  - id: x\n    repeat: -1\n    levels:\n" + Level, 3, 13, "\"repeat\" must be a whole number of 0 or more"),
        Row("level without timeout", "escalation_policies:\n  - id: x\n    levels:\n      - targets: [{user: ana}]\n", 4, 9, "has no timeout"),
        Row("level with bad timeout", "escalation_policies:\n  - id: x\n    levels:\n      - targets: [{user: ana}]\n        timeout: soon\n", 5, 18, "in \"timeout\""),
        Row("level without targets", "escalation_policies:\n  - id: x\n    levels:\n      - timeout: 5m\n", 4, 9, "has no targets"),
        Row("target with two kinds", "escalation_policies:\n  - id: x\n    levels:\n      - targets: [{user: ana, team: t}]\n        timeout: 5m\n", 4, 19, "exactly one of user, schedule or team"),
        Row("target with unknown kind", "escalation_policies:\n  - id: x\n    levels:\n      - targets: [{usr: ana}]\n        timeout: 5m\n", 4, 20, "unknown field \"usr\" (did you mean \"user\"?)"),
        Row("empty target", "escalation_policies:\n  - id: x\n    levels:\n      - targets: [{}]\n        timeout: 5m\n", 4, 19, "must name a user, a schedule or a team"),
        Row("duplicate target", "escalation_policies:\n  - id: x\n    levels:\n      - targets: [{user: ana}, {user: ana}]\n        timeout: 5m\n", 4, 32, "listed twice"),
        Row("unknown policy field", "incident_policies:\n  - name: p\n    matcher: ['a=b']\n", 3, 5, "unknown field \"matcher\" (did you mean \"matchers\"?)"),
        Row("policy without name", "incident_policies:\n  - matchers: ['a=b']\n", 2, 5, "incident policy has no \"name\""),
        Row("duplicate policy name", "incident_policies:\n  - name: p\n  - name: p\n", 3, 11, "incident policy \"p\" is defined twice"),
        Row("bad matcher", "incident_policies:\n  - name: p\n    matchers: ['severity=~\"(\"']\n", 3, 16, "in \"matchers\""),
        Row("unknown escalation policy", "escalation_policies:\n  - id: tiendi-default\n    levels:\n" + Level + "incident_policies:\n  - name: p\n    escalation_policy: tiendi-defualt\n", 8, 24, "escalation policy \"tiendi-defualt\" is not defined (did you mean \"tiendi-default\"?)"),
        Row("bad severity in map", "incident_policies:\n  - name: p\n    severity:\n      map: {critical: P0}\n", 4, 23, "unknown severity \"P0\" for label value \"critical\""),
        Row("bad default severity", "incident_policies:\n  - name: p\n    severity:\n      default: urgent\n", 4, 16, "unknown severity \"urgent\" in \"default\""),
        Row("bad fixed severity", "incident_policies:\n  - name: p\n    severity: high\n", 3, 15, "unknown severity \"high\""),
        Row("auto_resolve not a bool", "incident_policies:\n  - name: p\n    auto_resolve: maybe\n", 3, 19, "\"auto_resolve\" must be true or false"),
        Row("empty receiver", "incident_policies:\n  - name: p\n    receivers: ['']\n", 3, 17, "a receiver name in \"receivers\" is empty"),
    ];

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Parse_FailsWithPosition_WhenInvalid(string name, string yaml, int line, int column, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(yaml));
        Assert.True(ex.Describe().Contains(message, StringComparison.Ordinal), $"{name}: {ex.Describe()}");
        Assert.Equal(("guardia.yml", line, column), (ex.File, ex.Line, ex.Column));
    }
}
