using System.Net.Http.Json;
using System.Text.Json;
using Guardia.IntegrationTests.Access;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Incidents;

/// <summary>The whole path: a Prometheus rule fires → Guardia opens a P1 → L1 (the on-call engineer of the weekly
/// rotation) is paged at a webhook → nobody acknowledges → L2 (the team lead) is paged after L1's timeout → the lead
/// acknowledges through the page's link → escalation stops → the rule resolves → the incident resolves by itself.</summary>
public sealed class IncidentEndToEndTests
{
    static string Settings(string sink) => PagingSettings.Yaml(sink, escalationTimeout: "4s");

    [Fact]
    public async Task PrometheusRule_OpensP1_EscalatesUntilAcknowledged_AndResolvesWithTheRule()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sink = HttpSink.Start();
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Settings(sink.Url));
        var viewer = await TestTokens.CreateAsync(guardia, "it-viewer", "viewer");
        await using var target = new ToggleTarget();
        await using var server = await PrometheusServer.StartAsync("""
            groups:
              - name: checkout
                interval: 1s
                rules:
                  - alert: CheckoutDown
                    expr: toggle_value == 1
                    labels:
                      severity: critical
                      service: checkout
                    annotations:
                      summary: "Checkout caído en {{ $labels.instance }}"
            """, guardia.Port, null, ("checkout", target.Port));
        var prometheus = server.Process;

        // L1: the on-call engineer, in Spanish, with the acknowledge link.
        var l1 = JsonDocument.Parse((await sink.WaitForAsync("/sms/ana", TimeSpan.FromSeconds(60))).Body).RootElement;
        Assert.Equal("page", l1.GetProperty("kind").GetString());
        Assert.Equal("P1", l1.GetProperty("severity").GetString());
        Assert.Equal(1, l1.GetProperty("level").GetInt32());
        Assert.StartsWith($"[P1] INC-1 Checkout caído en 127.0.0.1:{target.Port}", l1.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Contains("Confirmar: ", l1.GetProperty("text").GetString(), StringComparison.Ordinal);

        // Nobody acknowledges: L2, the team lead, is paged after L1's 4 s.
        var l2 = JsonDocument.Parse((await sink.WaitForAsync("/sms/luis", TimeSpan.FromSeconds(30))).Body).RootElement;
        Assert.Equal(2, l2.GetProperty("level").GetInt32());
        Assert.Equal("L2 team lead", l2.GetProperty("level_name").GetString());
        var incident = await GetIncidentAsync(guardia, viewer, "INC-1");
        Assert.Equal("triggered", incident.GetProperty("status").GetString());

        // The lead opens the link (GET shows a button and acknowledges nothing), then presses it (POST).
        var ackUrl = new Uri(l2.GetProperty("ack_url").GetString()!);
        var token = Uri.UnescapeDataString(ackUrl.Query["?token=".Length..]);
        using (var page = await guardia.Http.GetAsync("/ack?token=" + Uri.EscapeDataString(token), ct))
        {
            Assert.Equal(200, (int)page.StatusCode);
            Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }
        Assert.Equal("triggered", (await GetIncidentAsync(guardia, viewer, "INC-1")).GetProperty("status").GetString());
        using (var ack = await guardia.Http.PostAsync("/ack", new FormUrlEncodedContent([new("token", token)]), ct))
        {
            Assert.Equal(200, (int)ack.StatusCode);
        }
        incident = await GetIncidentAsync(guardia, viewer, "INC-1");
        Assert.Equal("acknowledged", incident.GetProperty("status").GetString());
        Assert.Equal("luis", incident.GetProperty("acknowledged_by").GetString());
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("escalation").GetProperty("next_due_at").ValueKind);

        // Guardia's own metrics tell the same story, so Guardia itself can be alerted on.
        await WaitForMetricsAsync(guardia,
            "guardia_incidents_open{severity=\"P1\",status=\"acknowledged\"} 1",
            "guardia_incidents_open{severity=\"P1\",status=\"triggered\"} 0",
            "guardia_incidents_opened_total{severity=\"P1\"} 1",
            "guardia_pages_total{reason=\"escalation\",outcome=\"delivered\"} 2",
            "guardia_pages_total{reason=\"escalation\",outcome=\"failed\"} 0",
            "guardia_page_delay_seconds_count{outcome=\"delivered\"} 2");

        // The rule resolves: Prometheus sends the resolution, the group flushes, the incident resolves itself.
        target.Value = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((incident = await GetIncidentAsync(guardia, viewer, "INC-1")).GetProperty("status").GetString() != "resolved" && DateTime.UtcNow < deadline)
        {
            Assert.False(prometheus.HasExited, prometheus.Output);
            await Task.Delay(250, ct);
        }
        Assert.Equal("resolved", incident.GetProperty("status").GetString());

        var kinds = incident.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        string[] steps = ["created", "alert_attached", "escalated", "page_delivered", "acknowledged", "resolved"];
        foreach (var step in steps)
        {
            Assert.Contains(step, kinds);
        }
        Assert.True(kinds.IndexOf("acknowledged") < kinds.LastIndexOf("resolved"), string.Join(", ", kinds));
        Assert.Equal(2, kinds.Count(k => k == "page_delivered"));
        // Each person was paged once: no duplicate page, no page after the acknowledgement.
        Assert.Single(sink.Requests, r => r.Path == "/sms/ana");
        Assert.Single(sink.Requests, r => r.Path == "/sms/luis");
        await WaitForMetricsAsync(guardia, "guardia_incidents_open{severity=\"P1\",status=\"acknowledged\"} 0");

        // The same timeline reads in Spanish for a caller who prefers it; ?lang=en wins over the header.
        var spanish = await TimelineTextsAsync(guardia, viewer, "INC-1", "", "es-PE,es;q=0.9");
        Assert.StartsWith("abierto por la política de incidentes", spanish[0], StringComparison.Ordinal);
        Assert.Contains(spanish, t => t.StartsWith("reconocido por luis (enlace del aviso) tras ", StringComparison.Ordinal));
        Assert.Contains("resuelto automáticamente: todas las alertas del grupo se resolvieron", spanish);
        var english = await TimelineTextsAsync(guardia, viewer, "INC-1", "?lang=en", "es");
        Assert.Equal(incident.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("text").GetString()!), english);
        Assert.Equal(english.Count, spanish.Count);
    }

    static async Task WaitForMetricsAsync(AlertApiServer guardia, params string[] samples)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string metrics;
        while (true)
        {
            metrics = await guardia.Http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
            var lines = metrics.Split('\n');
            if (samples.All(lines.Contains) || DateTime.UtcNow > deadline)
            {
                break;
            }
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        foreach (var sample in samples)
        {
            Assert.Contains(sample, metrics.Split('\n'));
        }
    }

    static async Task<List<string>> TimelineTextsAsync(AlertApiServer guardia, string token, string id, string query, string acceptLanguage)
    {
        using var request = TestTokens.Request(HttpMethod.Get, $"/api/v1/incidents/{id}{query}", token);
        request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        using var response = await guardia.Http.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var incident = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return [.. incident.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("text").GetString()!)];
    }

    static async Task<JsonElement> GetIncidentAsync(AlertApiServer guardia, string token, string id)
    {
        using var request = TestTokens.Request(HttpMethod.Get, $"/api/v1/incidents/{id}", token);
        using var response = await guardia.Http.SendAsync(request, TestContext.Current.CancellationToken);
        if ((int)response.StatusCode == 404)
        {
            return JsonDocument.Parse("""{"status":"none","timeline":[]}""").RootElement;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }
}
