using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Templating.Alertmanager;
using Guardia.Integrations.Notifiers;
using Guardia.Integrations.Notifiers.Email;
using Guardia.Integrations.Notifiers.PagerDuty;
using Guardia.Integrations.Notifiers.Slack;
using Guardia.IntegrationTests.Infrastructure;
using MimeKit;
using Route = Guardia.Core.Routing.Route;

namespace Guardia.IntegrationTests.Notifiers;

/// <summary>
/// Side by side: the real Alertmanager 0.25 sends to sinks on 127.0.0.1, Guardia renders the same receivers
/// for the same group in-process, and the payloads must be equal. Alertmanager 0.25 has no msteams_configs,
/// so MS Teams is checked against 0.26's documented shape in the unit tests instead.
/// </summary>
public sealed class NotifierParityTests(NotifierParityTests.Peers peers) : IClassFixture<NotifierParityTests.Peers>
{
    // Alertmanager flushes a new group at once when its first alert started more than group_wait ago, which
    // would race the second alert of the batch; alerts that start now wait the full group_wait together.
    static readonly DateTimeOffset StartsAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    static readonly DateTimeOffset EndsAt = new(2036, 1, 1, 0, 0, 0, TimeSpan.Zero);

    readonly HttpSink _http = peers.Http;
    readonly SmtpSink _smtp = peers.Smtp;
    readonly AlertmanagerConfig _config = peers.Config;
    readonly NotificationTemplates _templates = NotificationTemplates.Create([], TimeProvider.System);
    readonly string _externalUrl = peers.ExternalUrl;

    /// <summary>One Alertmanager and its sinks for the whole class: it sends each group once.</summary>
    public sealed class Peers : IAsyncLifetime
    {
        public HttpSink Http { get; } = HttpSink.Start();

        public SmtpSink Smtp { get; } = SmtpSink.Start();

        public AlertApiServer Alertmanager { get; private set; } = null!;

        public AlertmanagerConfig Config { get; private set; } = null!;

        public string ExternalUrl { get; private set; } = string.Empty;

        public async ValueTask InitializeAsync()
        {
            var yaml = NotifierParityTests.Config(Http.Url, Smtp.Smarthost);
            Config = AlertmanagerConfigLoader.Load(yaml, "parity.yml");
            Alertmanager = await AlertApiServer.StartAlertmanagerAsync(yaml);
            // Alertmanager derives its external URL from the host name and the listen port when none is given.
            ExternalUrl = $"http://{Dns.GetHostName()}:{Alertmanager.Port}";
            var body = new StringBuilder("[");
            for (var i = 0; i < Alerts.Length; i++)
            {
                body.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                    $$"""{"labels":{{Alerts[i].Labels}},"annotations":{{Alerts[i].Annotations}},"startsAt":"{{StartsAt:O}}","endsAt":"{{EndsAt:O}}","generatorURL":"http://prometheus.tiendi:9090/graph?g0.expr=up&g0.tab=1"}""");
            }
            using var r = await Alertmanager.PostAlertsAsync(body.Append(']').ToString());
            r.EnsureSuccessStatusCode();
        }

        public async ValueTask DisposeAsync()
        {
            await Alertmanager.DisposeAsync();
            await Http.DisposeAsync();
            await Smtp.DisposeAsync();
        }
    }

    /// <summary>The seed-004 receivers (PagerDuty with routing_key: Alertmanager sends service_key events to pagerduty.com whatever the url) and receivers on the default templates.</summary>
    static string Config(string http, string smarthost) => $$$"""
        global:
          resolve_timeout: 5m
          pagerduty_url: '{{{http}}}/pagerduty'
          smtp_smarthost: '{{{smarthost}}}'
          smtp_from: 'alertmanager@tiendi.example'
          smtp_require_tls: false
          smtp_auth_username: 'am'
          smtp_auth_password: 'sink-password'
        route:
          group_by: ['alertname', 'cluster', 'service']
          group_wait: 3s
          group_interval: 1h
          repeat_interval: 12h
          receiver: 'default'
          routes:
            - match:
                severity: critical
              receiver: pagerduty-critical
              continue: true
            - match:
                severity: critical
              receiver: slack-critical
              continue: true
            - match:
                severity: critical
              receiver: email-oncall
            - match:
                severity: warning
              receiver: slack-warnings
              continue: true
            - match:
                severity: warning
              receiver: slack-defaults
              continue: true
            - match:
                severity: warning
              receiver: pagerduty-defaults
              continue: true
            - match:
                severity: warning
              receiver: email-defaults
        receivers:
          - name: 'default'
          - name: 'pagerduty-critical'
            pagerduty_configs:
              - routing_key: 'tiendi-local-sink-key'
                severity: 'critical'
                description: '{{ .GroupLabels.alertname }}'
          - name: 'slack-critical'
            slack_configs:
              - api_url: '{{{http}}}/slack/alerts-critical'
                channel: '#alerts-critical'
                title: '🚨 CRITICAL: {{ .GroupLabels.alertname }}'
                text: '{{ range .Alerts }}{{ .Annotations.description }}{{ end }}'
          - name: 'slack-warnings'
            slack_configs:
              - api_url: '{{{http}}}/slack/alerts-warnings'
                channel: '#alerts-warnings'
                title: '⚠️ WARNING: {{ .GroupLabels.alertname }}'
                text: '{{ range .Alerts }}{{ .Annotations.description }}{{ end }}'
          - name: 'slack-defaults'
            slack_configs:
              - api_url: '{{{http}}}/slack/defaults'
                channel: '#ops'
                link_names: true
                short_fields: true
                mrkdwn_in: ['text', 'title']
                image_url: 'https://tiendi.example/{{ .CommonLabels.service }}.png'
                fields:
                  - title: 'Cluster'
                    value: '{{ .CommonLabels.cluster }}'
                  - title: 'Runbook'
                    value: '{{ .CommonAnnotations.runbook_url }}'
                    short: false
                actions:
                  - type: button
                    text: 'Runbook {{ .GroupLabels.alertname }}'
                    url: '{{ .CommonAnnotations.runbook_url }}'
                    style: primary
                  - type: button
                    text: 'Silence'
                    name: silence
                    value: '{{ .GroupLabels.alertname }}'
                    url: '{{ .ExternalURL }}/#/silences/new'
                    confirm:
                      title: 'Sure?'
                      text: 'Silence {{ .GroupLabels.alertname }} & co <now>'
                      ok_text: 'Yes'
                      dismiss_text: 'No'
                  - type: button
                    text: 'Ack'
                    name: ack
                    value: '{{ .GroupLabels.alertname }}'
                    confirm:
                      text: 'Ack {{ .GroupLabels.alertname }}?'
          - name: 'pagerduty-defaults'
            pagerduty_configs:
              - routing_key: 'defaults-key'
                url: '{{{http}}}/pagerduty-defaults'
                class: '{{ .CommonLabels.cluster }}'
                component: '{{ .CommonLabels.service }}'
                group: 'tiendi'
                links:
                  - href: '{{ .CommonAnnotations.runbook_url }}'
                    text: 'Runbook'
                  - href: ''
                    text: 'dropped: empty href'
                images:
                  - src: 'https://tiendi.example/graph.png'
                    alt: 'graph'
                    href: 'https://tiendi.example/graph'
          - name: 'email-oncall'
            email_configs:
              - to: 'oncall@tiendi.example'
          - name: 'email-defaults'
            email_configs:
              - to: 'Ops Team <ops@tiendi.example>, sre@tiendi.example'
                headers:
                  Subject: '[{{ .Status | toUpper }}] {{ .GroupLabels.alertname }} en {{ .CommonLabels.cluster }} — ñandú'
                  X-Team: '{{ .CommonLabels.team }}'
                text: '{{ range .Alerts }}{{ .Labels.instance }}: {{ .Annotations.description }}{{ "\n" }}{{ end }}'
        """;

    static readonly (string Labels, string Annotations)[] Alerts =
    [
        ("""{"alertname":"HighErrorRate","cluster":"prod","service":"checkout","severity":"critical","instance":"checkout-1","team":"payments"}""",
         """{"description":"5xx > 5% en checkout-1 <b>&</b>","summary":"Errores en checkout","runbook_url":"https://tiendi.example/runbooks/004"}"""),
        ("""{"alertname":"HighErrorRate","cluster":"prod","service":"checkout","severity":"critical","instance":"checkout-2","team":"payments"}""",
         """{"description":"5xx > 7% en checkout-2","summary":"Errores en checkout","runbook_url":"https://tiendi.example/runbooks/004"}"""),
        ("""{"alertname":"HighLatency","cluster":"prod","service":"search","severity":"warning","instance":"search-1","team":"discovery"}""",
         """{"description":"p99 > 2s","summary":"Latencia alta","runbook_url":"https://tiendi.example/runbooks/latency"}"""),
        ("""{"alertname":"HighLatency","cluster":"prod","service":"search","severity":"warning","instance":"search-2","team":"discovery"}""",
         """{"description":"p99 > 3s","runbook_url":"https://tiendi.example/runbooks/latency"}"""),
    ];

    /// <summary>The group Alertmanager formed for <paramref name="severity"/>, as the pipeline would hand it to a notifier.</summary>
    TestNotification Request(string receiver, string severity)
    {
        var alerts = new List<Alert>();
        foreach (var (labels, annotations) in Alerts)
        {
            var l = Labels(labels);
            if (l.Get("severity") != severity)
            {
                continue;
            }
            alerts.Add(new Alert
            {
                Labels = l,
                Annotations = Labels(annotations),
                StartsAt = StartsAt,
                EndsAt = EndsAt,
                GeneratorUrl = "http://prometheus.tiendi:9090/graph?g0.expr=up&g0.tab=1",
            });
        }
        var route = Route.Build(_config.Route).Match(alerts[0].Labels).First(r => r.Options.Receiver == receiver);
        var groupLabels = route.GroupLabels(alerts[0].Labels);
        return TestNotification.Of(receiver, route.GroupKey(groupLabels), groupLabels, alerts, _externalUrl, DateTimeOffset.UtcNow);
    }

    static LabelSet Labels(string json) =>
        LabelSet.From(JsonNode.Parse(json)!.AsObject().Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value!.GetValue<string>())));

    ReceiverConfig Receiver(string name) => _config.Receivers.Single(r => r.Name == name);

    public static TheoryData<string, string, string> SlackCases => new()
    {
        { "slack-critical", "critical", "/slack/alerts-critical" },
        { "slack-warnings", "warning", "/slack/alerts-warnings" },
        { "slack-defaults", "warning", "/slack/defaults" },
    };

    [Theory]
    [MemberData(nameof(SlackCases))]
    public async Task SlackPayload_EqualsAlertmanagers_ForSameGroup(string receiver, string severity, string path)
    {
        var sent = await _http.WaitForAsync(path, TimeSpan.FromSeconds(30));
        var request = Request(receiver, severity);
        var tmpl = new TemplateText(_templates, request.ToTemplateData());
        var ours = SlackNotifier.BuildPayload(Receiver(receiver).SlackConfigs[0], tmpl);

        Assert.Null(tmpl.Error);
        AssertJsonEqual(sent.Body, ours);
        // Byte for byte too: same key order, same escaping (Go's json.Encoder), same trailing newline.
        Assert.Equal(sent.Body, Encoding.UTF8.GetString(JsonDelivery.Encode(ours)));
    }

    public static TheoryData<string, string, string> PagerDutyCases => new()
    {
        { "pagerduty-critical", "critical", "/pagerduty" },
        { "pagerduty-defaults", "warning", "/pagerduty-defaults" },
    };

    [Theory]
    [MemberData(nameof(PagerDutyCases))]
    public async Task PagerDutyEvent_EqualsAlertmanagers_ForSameGroup(string receiver, string severity, string path)
    {
        var sent = await WaitExactAsync(path);
        var request = Request(receiver, severity);
        var config = Receiver(receiver).PagerDutyConfigs[0];
        var data = request.ToTemplateData();
        var tmpl = new TemplateText(_templates, data);
        var ours = PagerDutyNotifier.BuildPayload(config, tmpl, data.Status, request.GroupKey, config.RoutingKey?.Value, config.ServiceKey?.Value);

        Assert.Null(tmpl.Error);
        AssertJsonEqual(sent.Body, ours);
        // Byte for byte too: same key order, same escaping (Go's json.Encoder), same trailing newline.
        Assert.Equal(sent.Body, Encoding.UTF8.GetString(JsonDelivery.Encode(ours)));
    }

    public static TheoryData<string, string, string> EmailCases => new()
    {
        { "email-oncall", "critical", "oncall@tiendi.example" },
        { "email-defaults", "warning", "ops@tiendi.example" },
    };

    [Theory]
    [MemberData(nameof(EmailCases))]
    public async Task EmailMessage_EqualsAlertmanagers_ForSameGroup(string receiver, string severity, string rcpt)
    {
        var sent = await _smtp.WaitForAsync(rcpt, TimeSpan.FromSeconds(30));
        var request = Request(receiver, severity);
        var config = Receiver(receiver).EmailConfigs[0];
        var tmpl = new TemplateText(_templates, request.ToTemplateData());
        var ours = EmailNotifier.BuildMessage(config, tmpl, request.Now);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(sent.Data));
        var theirs = await MimeMessage.LoadAsync(stream);

        Assert.Null(tmpl.Error);
        Assert.Equal("am", sent.AuthUser);
        Assert.Equal("alertmanager@tiendi.example", sent.MailFrom);
        Assert.Equal(Headers(theirs), Headers(ours));
        Assert.Equal(Parts(theirs), Parts(ours));
    }

    async Task<HttpSink.Recorded> WaitExactAsync(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var r = _http.Requests.FirstOrDefault(r => r.Path == path);
            if (r is not null)
            {
                return r;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"nothing posted to {path}; got {string.Join(", ", _http.Requests.Select(r => r.Path))}");
    }

    // Date, Message-Id and the MIME framing differ by nature; every other header is compared decoded.
    static string Headers(MimeMessage m) => string.Join("\n", m.Headers
        .Where(h => h.Id is not (HeaderId.Date or HeaderId.MessageId or HeaderId.ContentType or HeaderId.MimeVersion))
        .Select(h => h.Field + ": " + (h.Id is HeaderId.From or HeaderId.To ? InternetAddressList.Parse(h.Value).ToString() : h.Value))
        .Order(StringComparer.Ordinal));

    static string Parts(MimeMessage m) => string.Join("\n--part--\n", m.BodyParts.OfType<TextPart>()
        .Select(p => p.ContentType.MimeType + "; " + p.ContentType.Charset?.ToUpperInvariant() + "\n" + p.Text));

    static void AssertJsonEqual(string expected, JsonNode actual)
    {
        var theirs = JsonNode.Parse(expected);
        if (!JsonNode.DeepEquals(theirs, actual))
        {
            Assert.Equal(theirs!.ToJsonString(Pretty), actual.ToJsonString(Pretty));
        }
    }

    static readonly System.Text.Json.JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
