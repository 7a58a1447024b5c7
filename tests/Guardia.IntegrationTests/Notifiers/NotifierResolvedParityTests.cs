using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Templating.Alertmanager;
using Guardia.Integrations.Notifiers;
using Guardia.Integrations.Notifiers.PagerDuty;
using Guardia.Integrations.Notifiers.Slack;
using Guardia.IntegrationTests.Infrastructure;
using Route = Guardia.Core.Routing.Route;

namespace Guardia.IntegrationTests.Notifiers;

/// <summary>Side by side for the resolved notification: Alertmanager sends it one group_interval after the alerts end.</summary>
public sealed class NotifierResolvedParityTests
{
    static string Config(string http) => $$$"""
        route:
          group_by: ['alertname']
          group_wait: 1s
          group_interval: 2s
          repeat_interval: 12h
          receiver: 'both'
        receivers:
          - name: 'both'
            slack_configs:
              - api_url: '{{{http}}}/slack'
                send_resolved: true
                channel: '#ops'
            pagerduty_configs:
              - routing_key: 'rk'
                url: '{{{http}}}/pagerduty'
        """;

    [Fact]
    public async Task ResolvedPayloads_EqualAlertmanagers_AfterAlertsEnd()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sink = HttpSink.Start();
        var yaml = Config(sink.Url);
        await using var am = await AlertApiServer.StartAlertmanagerAsync(yaml);
        var startsAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        string Body(DateTimeOffset endsAt) => string.Create(CultureInfo.InvariantCulture,
            $$"""[{"labels":{"alertname":"DiskFull","instance":"db-1","severity":"warning"},"annotations":{"description":"disk at 95%"},"startsAt":"{{startsAt:O}}","endsAt":"{{endsAt:O}}"}]""");

        using (var r = await am.PostAlertsAsync(Body(startsAt.AddHours(1))))
        {
            r.EnsureSuccessStatusCode();
        }
        await sink.WaitForAsync("/pagerduty", TimeSpan.FromSeconds(30));
        var endsAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        using (var r = await am.PostAlertsAsync(Body(endsAt)))
        {
            r.EnsureSuccessStatusCode();
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && (sink.Requests.Count(r => r.Path == "/pagerduty") < 2 || sink.Requests.Count(r => r.Path == "/slack") < 2))
        {
            await Task.Delay(100, ct);
        }
        var pdResolved = sink.Requests.Where(r => r.Path == "/pagerduty").ElementAt(1);
        var slackResolved = sink.Requests.Where(r => r.Path == "/slack").ElementAt(1);

        var config = AlertmanagerConfigLoader.Load(yaml, "resolved.yml");
        var alert = new Alert
        {
            Labels = LabelSet.Of(("alertname", "DiskFull"), ("instance", "db-1"), ("severity", "warning")),
            Annotations = LabelSet.Of(("description", "disk at 95%")),
            StartsAt = startsAt,
            EndsAt = endsAt,
        };
        var route = Route.Build(config.Route);
        var groupLabels = route.GroupLabels(alert.Labels);
        var request = TestNotification.Of("both", route.GroupKey(groupLabels), groupLabels, [alert],
            $"http://{Dns.GetHostName()}:{am.Port}", endsAt.AddSeconds(1));
        var templates = NotificationTemplates.Create([], TimeProvider.System);
        var data = request.ToTemplateData();
        var receiver = config.Receivers.Single();
        var pd = PagerDutyNotifier.BuildPayload(receiver.PagerDutyConfigs[0], new TemplateText(templates, data), data.Status, request.GroupKey, "rk", null);
        var slack = SlackNotifier.BuildPayload(receiver.SlackConfigs[0], new TemplateText(templates, data));

        Assert.Equal("resolved", data.Status);
        Assert.Equal(pdResolved.Body, Encoding.UTF8.GetString(JsonDelivery.Encode(pd)));
        Assert.Equal(slackResolved.Body, Encoding.UTF8.GetString(JsonDelivery.Encode(slack)));
        Assert.Equal("resolve", JsonNode.Parse(pdResolved.Body)!["event_action"]!.GetValue<string>());
    }
}
