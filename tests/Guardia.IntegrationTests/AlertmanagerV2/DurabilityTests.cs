using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.AlertmanagerV2;

/// <summary>What the API acknowledged survives a crash and a restart.</summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task EveryAcknowledgedAlert_IsBack_AfterKillDashNineDuringEightConcurrentWriters()
    {
        await using var guardia = await AlertApiServer.StartGuardiaAsync();
        var acknowledged = new ConcurrentDictionary<string, byte>();
        using var stop = new CancellationTokenSource();
        var endsAt = DateTime.UtcNow.AddHours(2).ToString("O");
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            using var http = new HttpClient { BaseAddress = new Uri(guardia.Url), Timeout = TimeSpan.FromSeconds(10) };
            for (var i = 0; i < 100_000 && !stop.IsCancellationRequested; i++)
            {
                var ids = Enumerable.Range(0, 10).Select(k => $"w{w}-{i}-{k}").ToArray();
                var body = "[" + string.Join(",", ids.Select(id => $"{{\"labels\":{{\"alertname\":\"Crash\",\"id\":\"{id}\"}},\"endsAt\":\"{endsAt}\"}}")) + "]";
                try
                {
                    using var r = await http.PostAsync("/api/v2/alerts", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
                    if (r.StatusCode == HttpStatusCode.OK)
                    {
                        foreach (var id in ids)
                        {
                            acknowledged[id] = 0;
                        }
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // The server was killed under this request: no acknowledgement, no promise.
                    return;
                }
            }
        })).ToArray();

        // Let the writers get going, then crash the server mid-stream.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (acknowledged.Count < 5_000 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        await guardia.Process!.KillAsync();
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        Assert.True(acknowledged.Count >= 5_000, $"only {acknowledged.Count} alerts were acknowledged before the kill");

        await guardia.RestartAsync();
        var stored = new HashSet<string>();
        foreach (var a in (await guardia.GetAlertsAsync()).EnumerateArray())
        {
            stored.Add(a.GetProperty("labels").GetProperty("id").GetString()!);
        }
        var lost = acknowledged.Keys.Where(id => !stored.Contains(id)).Take(10).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count}+ acknowledged alerts lost, e.g. {string.Join(", ", lost)}");
    }

    [Fact]
    public async Task ActiveAlerts_ComeBackWithTheirState_AfterRestart()
    {
        await using var guardia = await AlertApiServer.StartGuardiaAsync();
        const string Body = """
            [{"labels":{"alertname":"Restart","severity":"critical","instance":"db-1:5432"},
              "annotations":{"summary":"Base de datos caída","description":"Información: 😀"},
              "startsAt":"2026-01-01T10:00:00.123Z","endsAt":"2099-01-01T00:00:00Z",
              "generatorURL":"http://prometheus.local/graph?g0.expr=up"}]
            """;
        Assert.Equal(HttpStatusCode.OK, (await guardia.PostAlertsAsync(Body)).StatusCode);
        var before = (await guardia.GetAlertsAsync()).EnumerateArray().Single();

        await guardia.Process!.StopAsync();
        await guardia.RestartAsync();
        var after = (await guardia.GetAlertsAsync()).EnumerateArray().Single();
        foreach (var field in new[] { "fingerprint", "startsAt", "endsAt", "updatedAt", "generatorURL" })
        {
            Assert.Equal(before.GetProperty(field).GetString(), after.GetProperty(field).GetString());
        }
        Assert.Equal(before.GetProperty("labels").ToString(), after.GetProperty("labels").ToString());
        Assert.Equal(before.GetProperty("annotations").ToString(), after.GetProperty("annotations").ToString());
        Assert.Equal("2026-01-01T10:00:00.123Z", after.GetProperty("startsAt").GetString());
    }

    [Fact]
    public async Task ResolvedAlerts_AreCollected_AfterTheRetentionPeriod()
    {
        await using var guardia = await AlertApiServer.StartGuardiaAsync(extraArgs: ["--data.retention", "1s", "--alerts.gc-interval", "1s"]);
        var past = DateTime.UtcNow.AddMinutes(-1).ToString("O");
        var body = $"[{{\"labels\":{{\"alertname\":\"Old\"}},\"startsAt\":\"{DateTime.UtcNow.AddMinutes(-2):O}\",\"endsAt\":\"{past}\"}},{{\"labels\":{{\"alertname\":\"Live\"}}}}]";
        Assert.Equal(HttpStatusCode.OK, (await guardia.PostAlertsAsync(body)).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string metrics;
        do
        {
            await Task.Delay(200);
            metrics = await guardia.Http.GetStringAsync("/metrics");
        }
        while (!metrics.Contains("guardia_alerts_collected_total 1", StringComparison.Ordinal) && DateTime.UtcNow < deadline);
        Assert.Contains("guardia_alerts_collected_total 1", metrics, StringComparison.Ordinal);
        Assert.Equal("Live", (await guardia.GetAlertsAsync()).EnumerateArray().Single().GetProperty("labels").GetProperty("alertname").GetString());
    }
}
