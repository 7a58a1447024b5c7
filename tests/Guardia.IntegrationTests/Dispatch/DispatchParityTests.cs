using System.Globalization;
using System.Text;
using System.Text.Json;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Dispatch;

/// <summary>Guardia and Alertmanager receive the same alert sequence and must send the same webhook notifications.</summary>
public sealed class DispatchParityTests
{
    const string ConfigTemplate =
        """
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 1s
          group_interval: 2s
          repeat_interval: 1h
          routes:
            - matchers: ['team="db"']
              receiver: db
              group_by: [alertname, instance]
              continue: true
            - matchers: ['severity="critical"']
              receiver: pager
              group_by: ['...']
            - matchers: ['team="web"']
              receiver: web
              group_by: []
        receivers:
          - name: default
            webhook_configs: [{url: 'SINK/default'}]
          - name: db
            webhook_configs: [{url: 'SINK/db'}, {url: 'SINK/db2', send_resolved: false}]
          - name: pager
            webhook_configs: [{url: 'SINK/pager', send_resolved: false}]
          - name: web
            webhook_configs: [{url: 'SINK/web', max_alerts: 2}]
        """;

    static string Alerts(string endsAt, params string[] labelSets)
    {
        var sb = new StringBuilder("[");
        foreach (var ls in labelSets)
        {
            if (sb.Length > 1)
            {
                sb.Append(',');
            }
            var labels = string.Join(",", ls.Split(',').Select(p => p.Split('=')).Select(p => $"\"{p[0]}\":\"{p[1]}\""));
            sb.Append(CultureInfo.InvariantCulture, $"{{\"labels\":{{{labels}}},\"annotations\":{{\"summary\":\"s\"}},\"endsAt\":\"{endsAt}\"}}");
        }
        return sb.Append(']').ToString();
    }

    [Fact]
    public async Task Notifications_MatchAlertmanager_ForFireAddAndResolveSequence()
    {
        await using var guardiaSink = new WebhookSink();
        await using var amSink = new WebhookSink();
        await using var guardia = await AlertApiServer.StartGuardiaAsync(ConfigTemplate.Replace("SINK", guardiaSink.Url, StringComparison.Ordinal));
        await using var am = await AlertApiServer.StartAlertmanagerAsync(ConfigTemplate.Replace("SINK", amSink.Url, StringComparison.Ordinal));

        async Task PostBoth(string json)
        {
            var responses = await Task.WhenAll(guardia.PostAlertsAsync(json), am.PostAlertsAsync(json));
            foreach (var r in responses)
            {
                Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
                r.Dispose();
            }
        }

        var later = DateTime.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture);
        // t=0: groups are created; first flush at 1s, then every 2s.
        await PostBoth(Alerts(later,
            "alertname=DiskFull,team=db,instance=db1",
            "alertname=DiskFull,team=db,instance=db2",
            "alertname=HighCPU,team=web,instance=w1",
            "alertname=HighCPU,team=web,instance=w2",
            "alertname=HighCPU,team=web,instance=w3",
            "alertname=Down,severity=critical,team=db,instance=db1",
            "alertname=Other,instance=x1"));
        await Task.Delay(3500);
        // t=3.5: add alerts to existing groups and open new ones; flushed at 5.
        await PostBoth(Alerts(later,
            "alertname=DiskFull,team=db,instance=db1,mount=var",
            "alertname=Other,instance=x2",
            "alertname=Down,severity=critical,instance=api1",
            "alertname=Lonely,instance=l1"));
        await Task.Delay(4000);
        // t=7.5: resolve some, and every alert of some groups.
        var now = DateTime.UtcNow.AddSeconds(-1).ToString("O", CultureInfo.InvariantCulture);
        await PostBoth(Alerts(now,
            "alertname=DiskFull,team=db,instance=db2",
            "alertname=HighCPU,team=web,instance=w1",
            "alertname=Down,severity=critical,team=db,instance=db1",
            "alertname=Other,instance=x1",
            "alertname=Lonely,instance=l1"));
        await Task.Delay(5000);
        await Task.WhenAll(guardiaSink.WaitQuietAsync(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10)), amSink.WaitQuietAsync(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10)));

        var expected = Describe(amSink.Messages);
        var actual = Describe(guardiaSink.Messages);
        Assert.True(expected.Count > 10, "Alertmanager sent too few notifications for a meaningful comparison:\n" + string.Join("\n", expected));
        Assert.Equal(expected, actual);
    }

    /// <summary>Per receiver and group, the ordered notifications without timestamps; groups sorted.</summary>
    static List<string> Describe(IReadOnlyList<WebhookSink.Received> messages)
    {
        var lines = new List<string>();
        foreach (var group in messages.GroupBy(m => (m.Path, m.Body.GetProperty("groupKey").GetString())).OrderBy(g => g.Key.Path, StringComparer.Ordinal).ThenBy(g => g.Key.Item2, StringComparer.Ordinal))
        {
            var n = 0;
            foreach (var m in group)
            {
                var b = m.Body;
                var alerts = b.GetProperty("alerts").EnumerateArray()
                    .Select(a => Labels(a.GetProperty("labels")) + ":" + a.GetProperty("status").GetString()
                        + (a.GetProperty("status").GetString() == "firing" ? "(endsAt " + a.GetProperty("endsAt").GetString() + ")" : string.Empty)
                        + " fp=" + a.GetProperty("fingerprint").GetString())
                    .ToList();
                lines.Add($"{group.Key.Path} {group.Key.Item2} #{n++} v{b.GetProperty("version").GetString()} receiver={b.GetProperty("receiver").GetString()} " +
                          $"status={b.GetProperty("status").GetString()} groupLabels={Labels(b.GetProperty("groupLabels"))} " +
                          $"commonLabels={Labels(b.GetProperty("commonLabels"))} commonAnnotations={Labels(b.GetProperty("commonAnnotations"))} " +
                          $"truncated={b.GetProperty("truncatedAlerts").GetInt32()} alerts=[{string.Join("; ", alerts)}]");
            }
        }
        return lines;
    }

    static string Labels(JsonElement e) =>
        "{" + string.Join(",", e.EnumerateObject().Select(p => p.Name + "=" + p.Value.GetString())) + "}";
}
