using System.Globalization;
using System.Text.Json.Nodes;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Notifiers;

/// <summary>The seed-004 (Tiendi) Alertmanager configuration, end to end: the real Alertmanager and <c>guardia serve</c>
/// each get the same alerts through the API and deliver through their own routing, grouping and receivers to their
/// own sink; every payload Guardia delivers equals Alertmanager's.</summary>
public sealed class SeedReceiversEndToEndTests
{
    const string ExternalUrl = "http://alerts.tiendi.example";

    /// <summary>The fixture's configuration with the sinks in place of the real services and shorter timers. PagerDuty
    /// uses routing_key (Events API v2 at pagerduty_url): with service_key Alertmanager posts to pagerduty.com whatever the URL.</summary>
    static string Config(string sink) => $$$"""
        global:
          resolve_timeout: 5m
          pagerduty_url: '{{{sink}}}/pagerduty'
        route:
          group_by: ['alertname', 'cluster', 'service']
          group_wait: 2s
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
            - match:
                severity: warning
              receiver: slack-warnings
            - match:
                severity: warning
              receiver: slack-warnings
              active_time_intervals:
                - business-hours
        receivers:
          - name: 'default'
            webhook_configs:
              - url: '{{{sink}}}/default'
          - name: 'pagerduty-critical'
            pagerduty_configs:
              - routing_key: 'tiendi-routing-key'
                severity: 'critical'
                description: '{{ .GroupLabels.alertname }}'
          - name: 'slack-critical'
            slack_configs:
              - api_url: '{{{sink}}}/slack/critical'
                channel: '#alerts-critical'
                title: '🚨 CRITICAL: {{ .GroupLabels.alertname }}'
                text: '{{ range .Alerts }}{{ .Annotations.description }}{{ end }}'
          - name: 'slack-warnings'
            slack_configs:
              - api_url: '{{{sink}}}/slack/warnings'
                channel: '#alerts-warnings'
                title: '⚠️ WARNING: {{ .GroupLabels.alertname }}'
                text: '{{ range .Alerts }}{{ .Annotations.description }}{{ end }}'
        time_intervals:
          - name: business-hours
            time_intervals:
              - times:
                  - start_time: '09:00'
                    end_time: '18:00'
                weekdays: ['monday:friday']
                location: 'America/Lima'
        """;

    /// <summary>Alerts shaped like the seed's Prometheus rules: two critical ones in one group, a warning, and one that only the default route takes.</summary>
    static string Alerts(DateTimeOffset startsAt) => string.Create(CultureInfo.InvariantCulture, $$"""
        [
          {"labels":{"alertname":"HighErrorRate","severity":"critical","service":"checkout","cluster":"prod","instance":"checkout-1:8080"},
           "annotations":{"summary":"Error rate above 5%","description":"checkout-1 returns 7.3% of 5xx. "},
           "startsAt":"{{startsAt:O}}","generatorURL":"http://prometheus.tiendi:9090/graph?g0.expr=rate"},
          {"labels":{"alertname":"HighErrorRate","severity":"critical","service":"checkout","cluster":"prod","instance":"checkout-2:8080"},
           "annotations":{"summary":"Error rate above 5%","description":"checkout-2 returns 6.1% of 5xx."},
           "startsAt":"{{startsAt:O}}","generatorURL":"http://prometheus.tiendi:9090/graph?g0.expr=rate"},
          {"labels":{"alertname":"HighLatency","severity":"warning","service":"catalog","cluster":"prod"},
           "annotations":{"description":"p99 latency 2.4s > 2s on catalog"},
           "startsAt":"{{startsAt:O}}"},
          {"labels":{"alertname":"DiskAlmostFull","severity":"info","service":"db","cluster":"prod"},
           "annotations":{"description":"/var/lib/postgresql at 81%"},
           "startsAt":"{{startsAt:O}}"}
        ]
        """);

    static readonly string[] Paths = ["/default", "/pagerduty", "/slack/critical", "/slack/warnings"];

    [Fact]
    public async Task SeedReceivers_DeliverWhatAlertmanagerDelivers_ThroughTheWholeServer()
    {
        await using var amSink = HttpSink.Start();
        await using var guardiaSink = HttpSink.Start();
        await using var am = await AlertApiServer.StartAlertmanagerAsync(Config(amSink.Url), $"--web.external-url={ExternalUrl}");
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Config(guardiaSink.Url), null, "--web.external-url", ExternalUrl);
        var body = Alerts(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

        using (var r = await am.PostAlertsAsync(body))
        {
            r.EnsureSuccessStatusCode();
        }
        using (var r = await guardia.PostAlertsAsync(body))
        {
            r.EnsureSuccessStatusCode();
        }
        foreach (var path in Paths)
        {
            await amSink.WaitForAsync(path, TimeSpan.FromSeconds(30));
            await guardiaSink.WaitForAsync(path, TimeSpan.FromSeconds(30));
        }

        foreach (var path in Paths)
        {
            var expected = Assert.Single(amSink.Requests, r => r.Path == path);
            var actual = Assert.Single(guardiaSink.Requests, r => r.Path == path);
            var want = JsonNode.Parse(expected.Body);
            var got = JsonNode.Parse(actual.Body);
            Assert.True(JsonNode.DeepEquals(want, got), $"{path}\nAlertmanager: {want?.ToJsonString()}\nGuardia:      {got?.ToJsonString()}");
        }
        Assert.Equal(Paths.Length, guardiaSink.Requests.Count);
        var slack = JsonNode.Parse(Assert.Single(guardiaSink.Requests, r => r.Path == "/slack/critical").Body)!;
        Assert.Equal("🚨 CRITICAL: HighErrorRate", (string?)slack["attachments"]![0]!["title"]);
        Assert.Equal("checkout-1 returns 7.3% of 5xx. checkout-2 returns 6.1% of 5xx.", (string?)slack["attachments"]![0]!["text"]);
    }
}
