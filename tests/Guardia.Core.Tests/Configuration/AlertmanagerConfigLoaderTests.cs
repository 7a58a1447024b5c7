using Guardia.Core.Configuration;

namespace Guardia.Core.Tests.Configuration;

public sealed class AlertmanagerConfigLoaderTests
{
    static string Testdata(string name) => Path.Combine(AppContext.BaseDirectory, "Configuration", "testdata", name);

    [Fact]
    public void LoadFile_LoadsSeedFixture_AndReportsPlaceholders()
    {
        var config = AlertmanagerConfigLoader.LoadFile(Testdata("seed-004-tiendi.alertmanager.yml"));

        Assert.Equal(["default", "pagerduty-critical", "slack-critical", "slack-warnings"], config.Receivers.Select(r => r.Name));
        Assert.Equal(4, config.Route.Routes.Count);
        Assert.True(config.Route.Routes[0].Continue);
        Assert.Equal(["business-hours"], config.Route.Routes[3].ActiveTimeIntervals);
        Assert.Equal(TimeSpan.FromHours(12), config.Route.RepeatInterval);
        Assert.Equal("America/Lima", config.TimeIntervals.Single().TimeIntervals.Single().Location!.Id);

        var placeholders = config.Warnings.Where(w => w.Kind == ConfigWarningKind.Placeholder).ToList();
        Assert.Equal([(44, 22), (50, 18), (57, 18)], placeholders.Select(w => (w.Line, w.Column)));
        Assert.Contains("YOUR_PAGERDUTY_KEY", placeholders[0].Message, StringComparison.Ordinal);
        Assert.Contains("YOUR_SLACK_WEBHOOK", placeholders[1].Message, StringComparison.Ordinal);
        Assert.EndsWith("seed-004-tiendi.alertmanager.yml:50:18: \"api_url\" is a placeholder (YOUR_SLACK_WEBHOOK), not a real URL; notifications to it will fail until it is replaced (Alertmanager rejects it: unsupported scheme \"\" for URL)", placeholders[1].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_KeepsOriginalText()
    {
        var path = Testdata("seed-004-tiendi.alertmanager.yml");
        var config = AlertmanagerConfigLoader.LoadFile(path);
        Assert.Equal(File.ReadAllText(path), config.Original);
    }

    static TheoryDataRow<string, string, int, int, string> Row(string name, string yaml, int line, int column, string message) =>
        new(yaml, name, line, column, message) { TestDisplayName = name };

    const string Receivers = "receivers:\n  - name: a\n";

    public static IEnumerable<TheoryDataRow<string, string, int, int, string>> Malformed =>
    [
        Row("unknown route field", "route:\n  receiver: a\n  gruop_wait: 10s\n" + Receivers, 3, 3, "unknown field \"gruop_wait\" (did you mean \"group_wait\"?)"),
        Row("unknown top-level field", "route:\n  receiver: a\nrecievers:\n  - name: a\n", 3, 1, "unknown field \"recievers\" (did you mean \"receivers\"?)"),
        Row("unknown receiver field", "route:\n  receiver: a\nreceivers:\n  - name: a\n    slack_config:\n      - channel: x\n", 5, 5, "unknown field \"slack_config\" (did you mean \"slack_configs\"?)"),
        Row("bad duration", "route:\n  receiver: a\n  group_wait: 10x\n" + Receivers, 3, 15, "not a valid duration string: \"10x\" in \"group_wait\""),
        Row("empty duration", "global:\n  resolve_timeout: ''\nroute:\n  receiver: a\n" + Receivers, 2, 20, "empty duration string in \"resolve_timeout\""),
        Row("zero repeat interval", "route:\n  receiver: a\n  repeat_interval: 0s\n" + Receivers, 3, 20, "repeat_interval cannot be zero"),
        Row("undefined receiver", "route:\n  receiver: b\n" + Receivers, 2, 13, "undefined receiver \"b\" used in route"),
        Row("undefined receiver in child", "route:\n  receiver: a\n  routes:\n    - receiver: slack\n" + Receivers, 4, 17, "undefined receiver \"slack\" used in route"),
        Row("duplicate receiver", "route:\n  receiver: a\nreceivers:\n  - name: a\n  - name: a\n", 5, 5, "notification config name \"a\" is not unique"),
        Row("receiver without name", "route:\n  receiver: a\nreceivers:\n  - name: a\n  - webhook_configs: []\n", 5, 5, "missing name in receiver"),
        Row("missing route", Receivers, 1, 1, "no route provided in config"),
        Row("root route with continue", "route:\n  receiver: a\n  continue: true\n" + Receivers, 3, 3, "cannot have continue in root route"),
        Row("time interval without name", "route:\n  receiver: a\n" + Receivers + "time_intervals:\n  - time_intervals: []\n", 6, 5, "missing name in time interval"),
        Row("both smtp password forms", "global:\n  smtp_auth_password: a\n  smtp_auth_password_file: /run/secrets/smtp\nroute:\n  receiver: a\n" + Receivers, 3, 3, "at most one of smtp_auth_password & smtp_auth_password_file must be configured"),
        Row("missing root receiver", "route:\n  group_wait: 1s\n" + Receivers, 2, 3, "root route must specify a default receiver"),
        Row("root route with matchers", "route:\n  receiver: a\n  matchers: ['a=b']\n" + Receivers, 3, 3, "root route must not have any matchers"),
        Row("group_by not a list", "route:\n  receiver: a\n  group_by: alertname\n" + Receivers, 3, 13, "\"group_by\" must be a list, not \"alertname\""),
        Row("invalid group_by label", "route:\n  receiver: a\n  group_by: ['alert-name']\n" + Receivers, 3, 14, "invalid label name \"alert-name\" in group_by list"),
        Row("wildcard with labels", "route:\n  receiver: a\n  group_by: ['...', 'x']\n" + Receivers, 3, 13, "cannot have wildcard group_by (`...`) and other other labels at the same time"),
        Row("continue not a bool", "route:\n  receiver: a\n  routes:\n    - continue: maybe\n" + Receivers, 4, 17, "\"continue\" must be true or false, not \"maybe\""),
        Row("bad matcher", "route:\n  receiver: a\n  routes:\n    - matchers: ['a b=c']\n" + Receivers, 4, 18, "bad matcher format: a b=c in \"matchers\""),
        Row("bad match_re", "route:\n  receiver: a\n  routes:\n    - match_re:\n        a: '(?=x)'\n" + Receivers, 5, 12, "error parsing regexp: invalid or unsupported Perl syntax: `(?=` in \"match_re\""),
        Row("invalid match label", "route:\n  receiver: a\n  routes:\n    - match:\n        a-b: x\n" + Receivers, 5, 9, "invalid label name \"a-b\""),
        Row("undefined time interval", "route:\n  receiver: a\n  routes:\n    - mute_time_intervals: [nights]\n" + Receivers, 4, 29, "undefined time interval \"nights\" used in route"),
        Row("bad weekday", "route:\n  receiver: a\n" + Receivers + "time_intervals:\n  - name: t\n    time_intervals:\n      - weekdays: ['monday:fryday']\n", 8, 20, "fryday is not a valid weekday"),
        Row("unknown time zone", "route:\n  receiver: a\n" + Receivers + "time_intervals:\n  - name: t\n    time_intervals:\n      - location: Mars/Olympus\n", 8, 19, "unknown time zone Mars/Olympus"),
        Row("duplicate time interval", "route:\n  receiver: a\n" + Receivers + "time_intervals:\n  - name: t\n  - name: t\n", 7, 11, "time interval \"t\" is not unique"),
        Row("bad time range", "route:\n  receiver: a\n" + Receivers + "time_intervals:\n  - name: t\n    time_intervals:\n      - times: [{start_time: '18:00', end_time: '09:00'}]\n", 8, 17, "start time cannot be equal or greater than end time"),
        Row("slack without url", "route:\n  receiver: a\nreceivers:\n  - name: a\n    slack_configs:\n      - channel: '#x'\n", 6, 9, "no global Slack API URL set either inline or in a file"),
        Row("email without smarthost", "route:\n  receiver: a\nreceivers:\n  - name: a\n    email_configs:\n      - to: x@example.org\n", 6, 9, "no global SMTP smarthost set"),
        Row("pagerduty without key", "route:\n  receiver: a\nreceivers:\n  - name: a\n    pagerduty_configs:\n      - severity: critical\n", 6, 9, "missing service or routing key in PagerDuty config"),
        Row("webhook with ftp url", "route:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_configs:\n      - url: 'ftp://example.org/'\n", 6, 14, "unsupported scheme \"ftp\" for URL in \"url\""),
        Row("webhook without url", "route:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_configs:\n      - send_resolved: false\n", 6, 9, "one of url or url_file must be configured"),
        Row("max_alerts negative", "route:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_configs:\n      - url: http://127.0.0.1:5001/\n        max_alerts: -1\n", 7, 21, "\"max_alerts\" must be a whole number of 0 or more, not \"-1\""),
        Row("invalid equal label", "route:\n  receiver: a\n" + Receivers + "inhibit_rules:\n  - equal: ['a.b']\n", 6, 13, "\"a.b\" is not a valid label name"),
        Row("yaml syntax error", "route:\n  receiver: [a\n" + Receivers, 3, 1, "invalid YAML"),
        Row("duplicate key", "route:\n  receiver: a\n  receiver: a\n" + Receivers, 3, 3, "invalid YAML: Duplicate key"),
    ];

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Load_ThrowsWithPosition_WhenConfigIsMalformed(string yaml, string name, int line, int column, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => AlertmanagerConfigLoader.Load(yaml, "alertmanager.yml"));
        Assert.True((line, column) == (ex.Line, ex.Column), $"{name}: expected {line}:{column}, got {ex.Line}:{ex.Column} ({ex.Describe()})");
        Assert.StartsWith($"alertmanager.yml:{line}:{column}: {message}", ex.ToString(), StringComparison.Ordinal);
        Assert.Equal("alertmanager.yml", ex.File);
    }

    [Fact]
    public void Load_Refuses_WhenAliasesExpandToAHugeTree()
    {
        var yaml = new System.Text.StringBuilder("route:\n  receiver: a\n  routes:\n    - &r0 {receiver: a}\n");
        for (var i = 1; i <= 12; i++)
        {
            yaml.Append($"    - &r{i} {{routes: [*r{i - 1}, *r{i - 1}, *r{i - 1}, *r{i - 1}]}}\n");
        }
        yaml.Append("receivers: [{name: a}]\n");
        var ex = Assert.Throws<ConfigException>(() => AlertmanagerConfigLoader.Load(yaml.ToString(), "am.yml"));
        Assert.Contains("more than 100000 routes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AcceptsEmptyMatcherListsOnRoot()
    {
        var config = AlertmanagerConfigLoader.Load("route:\n  receiver: a\n  matchers: []\n  match: {}\nreceivers: [{name: a}]\n", "am.yml");
        Assert.Empty(config.Route.Matchers);
    }

    [Fact]
    public void ToString_FormatsFileLineColumnAndHint()
    {
        var ex = Assert.Throws<ConfigException>(() => AlertmanagerConfigLoader.Load("route:\n  receiver: a\n  gruop_wait: 10s\nreceivers: [{name: a}]\n", "alertmanager.yml"));
        Assert.Equal("alertmanager.yml:3:3: unknown field \"gruop_wait\" (did you mean \"group_wait\"?)", ex.ToString());
        Assert.Equal("did you mean \"group_wait\"?", ex.Hint);
    }

    [Fact]
    public void Load_FillsAlertmanagerDefaults()
    {
        var config = AlertmanagerConfigLoader.Load(
            """
            global:
              slack_api_url: 'https://hooks.slack.com/services/T0/B0/abc'
              smtp_smarthost: 'smtp.example.org:587'
              smtp_from: 'guardia@example.org'
              smtp_auth_password: 'hunter2'
            route:
              receiver: team
            receivers:
              - name: team
                webhook_configs: [{url: 'http://127.0.0.1:5001/'}]
                slack_configs: [{channel: '#ops'}]
                pagerduty_configs: [{routing_key: 'r1', details: {env: prod}}]
                email_configs: [{to: 'ops@example.org'}]
                msteams_configs: [{webhook_url: 'https://example.webhook.office.com/x'}]
                opsgenie_configs: [{api_key: 'k'}]
            """, "am.yml");

        Assert.Equal(TimeSpan.FromMinutes(5), config.Global.ResolveTimeout);
        Assert.Equal("localhost", config.Global.SmtpHello);
        var r = config.Receivers.Single();
        Assert.True(r.WebhookConfigs[0].SendResolved);
        Assert.Equal("https://hooks.slack.com/services/T0/B0/abc", r.SlackConfigs[0].ApiUrl!.Value);
        Assert.False(r.SlackConfigs[0].SendResolved);
        Assert.Equal("{{ template \"slack.default.title\" . }}", r.SlackConfigs[0].Title);
        Assert.Equal("{{ template \"slack.default.text\" . }}", r.SlackConfigs[0].Text);
        var pd = r.PagerDutyConfigs[0];
        Assert.True(pd.SendResolved);
        Assert.Equal("https://events.pagerduty.com/v2/enqueue", pd.Url);
        Assert.Equal("prod", pd.Details["env"]);
        Assert.Equal("{{ .Alerts.Firing | len }}", pd.Details["num_firing"]);
        Assert.Equal(pd.Client, pd.Source);
        var email = r.EmailConfigs[0];
        Assert.Equal("smtp.example.org:587", email.Smarthost);
        Assert.Equal("guardia@example.org", email.From);
        Assert.Equal("hunter2", email.AuthPassword!.Value);
        Assert.True(email.RequireTls);
        Assert.Equal("ops@example.org", email.Headers["To"]);
        Assert.Equal("{{ template \"msteams.default.title\" . }}", r.MSTeamsConfigs[0].Title);
        Assert.Equal("opsgenie_configs", r.Unsupported.Single().Kind);
        Assert.Contains(config.Warnings, w => w.Kind == ConfigWarningKind.NotImplemented && w.Line == 15);
    }

    [Fact]
    public void ToRedactedYaml_HidesSecrets_AndLoadsAgain()
    {
        var config = AlertmanagerConfigLoader.Load(
            """
            global:
              smtp_smarthost: 'smtp.example.org:587'
              smtp_from: 'guardia@example.org'
              smtp_auth_password: 'hunter2'
            route:
              receiver: team
              group_by: ['...']
              routes:
                - matchers: ['severity="critical"']
                  receiver: team
                  group_wait: 90d
            receivers:
              - name: team
                slack_configs: [{api_url: 'https://hooks.slack.com/services/T0/B0/topsecret'}]
                pagerduty_configs: [{routing_key: 'routing-secret'}]
                webhook_configs:
                  - url: 'http://127.0.0.1:5001/'
                    http_config:
                      bearer_token: 'bearer-secret'
                      basic_auth: null
            """, "am.yml");

        var yaml = config.ToRedactedYaml();

        foreach (var secret in new[] { "hunter2", "topsecret", "routing-secret", "bearer-secret" })
        {
            Assert.DoesNotContain(secret, yaml, StringComparison.Ordinal);
        }
        Assert.Contains("smtp_auth_password: <secret>", yaml, StringComparison.Ordinal);
        Assert.Contains("- severity=\"critical\"", yaml, StringComparison.Ordinal);
        Assert.Contains("group_wait: 90d", yaml, StringComparison.Ordinal);
        var again = AlertmanagerConfigLoader.Load(yaml, "redacted.yml");
        Assert.Equal(config.Route.Routes.Count, again.Route.Routes.Count);
        Assert.Equal("<secret>", again.Receivers[0].PagerDutyConfigs[0].RoutingKey!.Value);
    }

    [Fact]
    public void Load_ExpandsMergeKeys()
    {
        var config = AlertmanagerConfigLoader.Load(
            """
            route:
              receiver: a
              routes:
                - &base
                  receiver: a
                  group_wait: 1m
                - <<: *base
                  continue: true
            receivers: [{name: a}]
            """, "am.yml");
        Assert.Equal(TimeSpan.FromMinutes(1), config.Route.Routes[1].GroupWait);
        Assert.True(config.Route.Routes[1].Continue);
    }
}
