using System.Globalization;
using System.Text;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Dispatch;

/// <summary>Silenced and inhibited alerts are left out of notifications, side by side with Alertmanager.</summary>
public sealed class DispatchMutingTests
{
    const string Config =
        """
        route:
          receiver: hook
          group_by: [alertname]
          group_wait: 1s
          group_interval: 2s
          repeat_interval: 1h
        receivers:
          - name: hook
            webhook_configs: [{url: 'SINK/hook'}]
        inhibit_rules:
          - source_matchers: ['severity="critical"']
            target_matchers: ['severity="warning"']
            equal: [cluster]
        """;

    static async Task<List<string>> RunAsync(AlertApiServer server, WebhookSink sink)
    {
        var now = DateTime.UtcNow;
        var silence = $$"""
            {"matchers":[{"name":"alertname","value":"Muted","isRegex":false,"isEqual":true}],
             "startsAt":"{{now.AddSeconds(-5).ToString("O", CultureInfo.InvariantCulture)}}","endsAt":"{{now.AddHours(1).ToString("O", CultureInfo.InvariantCulture)}}",
             "createdBy":"test","comment":"maintenance"}
            """;
        using (var r = await server.Http.PostAsync("/api/v2/silences", new StringContent(silence, Encoding.UTF8, "application/json")))
        {
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        }
        var endsAt = now.AddHours(1).ToString("O", CultureInfo.InvariantCulture);
        string A(string labels) => $"{{\"labels\":{{{labels}}},\"endsAt\":\"{endsAt}\"}}";
        var alerts = "[" + string.Join(",",
            A("\"alertname\":\"Muted\",\"instance\":\"a\""),
            A("\"alertname\":\"Loud\",\"instance\":\"a\""),
            A("\"alertname\":\"Down\",\"severity\":\"critical\",\"cluster\":\"eu\""),
            A("\"alertname\":\"Slow\",\"severity\":\"warning\",\"cluster\":\"eu\""),
            A("\"alertname\":\"Slow\",\"severity\":\"warning\",\"cluster\":\"us\"")) + "]";
        using (var r = await server.PostAlertsAsync(alerts))
        {
            Assert.True(r.IsSuccessStatusCode);
        }
        await Task.Delay(4000);
        return [.. sink.Messages.Select(m => m.Body.GetProperty("groupKey").GetString() + " " +
            string.Join(",", m.Body.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("labels").ToString()))).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task MutedAlerts_AreNotNotified_AsInAlertmanager()
    {
        await using var guardiaSink = new WebhookSink();
        await using var amSink = new WebhookSink();
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Config.Replace("SINK", guardiaSink.Url, StringComparison.Ordinal));
        await using var am = await AlertApiServer.StartAlertmanagerAsync(Config.Replace("SINK", amSink.Url, StringComparison.Ordinal));
        var results = await Task.WhenAll(RunAsync(guardia, guardiaSink), RunAsync(am, amSink));
        Assert.Equal(3, results[1].Count);
        Assert.DoesNotContain(results[1], m => m.Contains("Muted", StringComparison.Ordinal));
        Assert.Equal(results[1], results[0]);
    }
}
