using System.Globalization;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Dispatch;

/// <summary>A configuration reload rebuilds the dispatcher as Alertmanager's does: groups are formed again from the
/// alerts held, the notification log keeps what was already sent from being sent again.</summary>
public sealed class DispatchReloadTests
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
            webhook_configs: [{url: 'SINK/PATH'}]
        """;

    static string Alert(string name, string instance) =>
        $"[{{\"labels\":{{\"alertname\":\"{name}\",\"instance\":\"{instance}\"}},\"endsAt\":\"{DateTime.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture)}\"}}]";

    static async Task<List<string>> RunAsync(AlertApiServer server, WebhookSink sink)
    {
        using (var r = await server.PostAlertsAsync(Alert("Disk", "a")))
        {
            Assert.True(r.IsSuccessStatusCode);
        }
        await Task.Delay(2500);
        // Same receiver, new URL: the group was notified, so nothing goes to the new URL until it changes.
        await File.WriteAllTextAsync(server.ConfigFile, Config.Replace("SINK", sink.Url, StringComparison.Ordinal).Replace("PATH", "second", StringComparison.Ordinal));
        using (var r = await server.Http.PostAsync("/-/reload", null))
        {
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        }
        await Task.Delay(3500);
        using (var r = await server.PostAlertsAsync(Alert("Disk", "b")))
        {
            Assert.True(r.IsSuccessStatusCode);
        }
        await Task.Delay(4500);
        return [.. sink.Messages.Select(m => m.Path + " " + m.Body.GetProperty("groupKey").GetString() + " " +
            string.Join(",", m.Body.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("labels").GetProperty("instance").GetString())))];
    }

    [Fact]
    public async Task Reload_NotifiesNoGroupTwice_AndUsesTheNewReceiver_AsAlertmanagerDoes()
    {
        await using var guardiaSink = new WebhookSink();
        await using var amSink = new WebhookSink();
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Config.Replace("SINK", guardiaSink.Url, StringComparison.Ordinal).Replace("PATH", "first", StringComparison.Ordinal));
        await using var am = await AlertApiServer.StartAlertmanagerAsync(Config.Replace("SINK", amSink.Url, StringComparison.Ordinal).Replace("PATH", "first", StringComparison.Ordinal));
        var results = await Task.WhenAll(RunAsync(guardia, guardiaSink), RunAsync(am, amSink));
        Assert.Equal(["first {}:{alertname=\"Disk\"} a", "second {}:{alertname=\"Disk\"} a,b"], results[1]);
        Assert.Equal(results[1], results[0]);

        var metrics = await guardia.Http.GetStringAsync("/metrics");
        Assert.Contains("guardia_notifications_total{integration=\"webhook\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("guardia_notifications_failed_total{integration=\"webhook\"} 0", metrics, StringComparison.Ordinal);
    }
}
