using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Guardia.IntegrationTests.Access;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Incidents;

/// <summary>Escalation timers, status-update reminders and handoffs survive <c>kill -9</c> of the real server: after a
/// restart on the same storage nothing is paged twice and nothing due is missed.</summary>
public sealed class RestartSafetyTests
{
    static string Settings(string sink, string escalationTimeout = "6s", string statusUpdate = "", string overrides = "") =>
        PagingSettings.Yaml(sink, escalationTimeout, statusUpdate, overrides);

    static string Alert(string name) => $$$"""
        [{"labels": {"alertname": "{{{name}}}", "severity": "critical", "service": "checkout"},
          "annotations": {"summary": "{{{name}}} en checkout"}}]
        """;

    static List<JsonElement> Messages(HttpSink sink, string path, string kind) =>
    [
        .. sink.Requests.Where(r => r.Path == path)
            .Select(r => JsonDocument.Parse(r.Body).RootElement)
            .Where(e => e.GetProperty("kind").GetString() == kind),
    ];

    static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(describe());
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    static async Task<JsonElement> GetIncidentAsync(AlertApiServer guardia, string token, string id)
    {
        using var request = TestTokens.Request(HttpMethod.Get, $"/api/v1/incidents/{id}", token);
        using var response = await guardia.Http.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    /// <summary>Waits until Guardia recorded as sent every page of INC-1 the sink received. Between a receiver taking a
    /// page and Guardia committing that it did, a crash re-sends the page after the restart (at least once; the
    /// page id, the same both times, lets a receiver drop the copy); the promise tested here is that a page Guardia
    /// recorded is never sent again and no escalation step is lost.</summary>
    static async Task UntilPagesRecordedAsync(AlertApiServer guardia, HttpSink sink)
    {
        var token = await TestTokens.CreateAsync(guardia, "it-recorded-" + Guid.NewGuid().ToString("N")[..8], "viewer");
        var received = sink.Requests.Count(r => r.Path.StartsWith("/sms/", StringComparison.Ordinal));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var incident = await GetIncidentAsync(guardia, token, "INC-1");
            var sent = incident.GetProperty("pages").EnumerateArray().Count(p => p.GetProperty("state").GetString() == "sent");
            if (sent >= received)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{received} pages received, {sent} recorded as sent");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    static int Escalations(JsonElement incident, string level) => incident.GetProperty("timeline").EnumerateArray()
        .Count(e => e.GetProperty("kind").GetString() == "escalated"
            && e.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object
            && d.TryGetProperty("level", out var l) && l.GetString() == level);

    [Fact]
    public async Task Escalation_KilledBeforeL2IsDue_PagesL2OnceAfterRestart_AndL1Never()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sink = HttpSink.Start();
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Settings(sink.Url));
        var viewer = await TestTokens.CreateAsync(guardia, "it-viewer", "viewer");
        using (var posted = await guardia.PostAlertsAsync(Alert("CheckoutDown")))
        {
            posted.EnsureSuccessStatusCode();
        }

        await sink.WaitForAsync("/sms/ana", TimeSpan.FromSeconds(30));
        await UntilPagesRecordedAsync(guardia, sink);
        await guardia.Process!.KillAsync();
        Assert.Empty(Messages(sink, "/sms/luis", "page"));
        await guardia.RestartAsync();

        await sink.WaitForAsync("/sms/luis", TimeSpan.FromSeconds(30));
        // Long enough for a duplicate from the outbox or a second escalation pass to show up.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        Assert.Single(Messages(sink, "/sms/ana", "page"));
        var l2 = Assert.Single(Messages(sink, "/sms/luis", "page"));
        Assert.Equal(2, l2.GetProperty("level").GetInt32());
        var incident = await GetIncidentAsync(guardia, viewer, "INC-1");
        Assert.Equal(1, Escalations(incident, "0"));
        Assert.Equal(1, Escalations(incident, "1"));
    }

    [Fact]
    public async Task Escalation_DownPastL2DueTime_PagesL2OnceRightAfterStart()
    {
        await using var sink = HttpSink.Start();
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Settings(sink.Url, escalationTimeout: "4s"));
        using (var posted = await guardia.PostAlertsAsync(Alert("CheckoutDown")))
        {
            posted.EnsureSuccessStatusCode();
        }

        await sink.WaitForAsync("/sms/ana", TimeSpan.FromSeconds(30));
        var paged = DateTime.UtcNow;
        await UntilPagesRecordedAsync(guardia, sink);
        await guardia.Process!.KillAsync();
        // Stay down until well after L2 was due (4 s after the L1 page).
        await Task.Delay(TimeSpan.FromSeconds(7), TestContext.Current.CancellationToken);
        Assert.Empty(Messages(sink, "/sms/luis", "page"));
        var restarted = DateTime.UtcNow;
        await guardia.RestartAsync();

        await sink.WaitForAsync("/sms/luis", TimeSpan.FromSeconds(15));
        var late = DateTime.UtcNow - restarted;
        Assert.True(late < TimeSpan.FromSeconds(15), $"L2 came {late} after the restart ({DateTime.UtcNow - paged} after L1)");
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        Assert.Single(Messages(sink, "/sms/ana", "page"));
        Assert.Single(Messages(sink, "/sms/luis", "page"));
    }

    [Fact]
    public async Task Reminders_ContinueAfterKill_WithoutDuplicates()
    {
        await using var sink = HttpSink.Start();
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Settings(sink.Url, escalationTimeout: "10m", statusUpdate: "  status_update_interval: 3s"));
        using (var posted = await guardia.PostAlertsAsync(Alert("PaymentsDown")))
        {
            posted.EnsureSuccessStatusCode();
        }

        var all = () => Messages(sink, "/sms/ana", "reminder").Concat(Messages(sink, "/sms/luis", "reminder")).ToList();
        await WaitUntilAsync(() => all().Count >= 1, TimeSpan.FromSeconds(30), () => $"no reminder: {string.Join(", ", sink.Requests.Select(r => r.Path))}");
        await UntilPagesRecordedAsync(guardia, sink);
        await guardia.Process!.KillAsync();
        var beforeKill = all().Count;
        await guardia.RestartAsync();

        await WaitUntilAsync(() => all().Count >= beforeKill + 2, TimeSpan.FromSeconds(30), () => $"reminders stopped after the restart: {all().Count}");
        var ids = all().Select(r => r.GetProperty("page_id").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        // Each person's reminders are numbered 1, 2, 3... in the page id: none repeated, none skipped across the kill.
        foreach (var path in (string[])["/sms/ana", "/sms/luis"])
        {
            var numbers = Messages(sink, path, "reminder")
                .Select(r => r.GetProperty("page_id").GetString()!.Split('/').Single(p => p.StartsWith("reminder", StringComparison.Ordinal)))
                .Select(p => int.Parse(p["reminder".Length..], CultureInfo.InvariantCulture))
                .ToList();
            Assert.Equal(Enumerable.Range(1, numbers.Count), numbers);
        }
        // The escalation's L1 page is not sent again by the restart.
        Assert.Single(Messages(sink, "/sms/ana", "page"));
    }

    [Fact]
    public async Task Handoff_ReportedOnceToOutgoingAndIncoming_EvenAfterKillRightAfterSending()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sink = HttpSink.Start();
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Settings(sink.Url));

        // The loader's shortest turn is 1 h: an override a few seconds from now makes the handoffs, written once the
        // server runs so that a slow start cannot push them before its first start (which reports nothing old).
        var swap = DateTimeOffset.UtcNow.AddSeconds(5);
        var back = swap.AddSeconds(6);
        static string Z(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        swap = DateTimeOffset.Parse(Z(swap), CultureInfo.InvariantCulture);
        back = DateTimeOffset.Parse(Z(back), CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(guardia.ConfigFile, Settings(sink.Url, overrides: $"""
                overrides:
                  - user: luis
                    start: {Z(swap)}
                    end: {Z(back)}
            """), ct);
        using (var reload = await guardia.Http.PostAsync("/-/reload", null, ct))
        {
            Assert.True(reload.IsSuccessStatusCode, await reload.Content.ReadAsStringAsync(ct));
        }

        var reports = () => Messages(sink, "/sms/ana", "handoff").Concat(Messages(sink, "/sms/luis", "handoff")).ToList();
        await WaitUntilAsync(() => reports().Count >= 2, TimeSpan.FromSeconds(30), () => $"handoff reports: {reports().Count}");
        await guardia.Process!.KillAsync();
        await guardia.RestartAsync();
        await WaitUntilAsync(() => reports().Count >= 4, TimeSpan.FromSeconds(30), () => $"handoff reports after the restart: {reports().Count}");
        await Task.Delay(TimeSpan.FromSeconds(2), ct);

        var ana = Messages(sink, "/sms/ana", "handoff");
        var luis = Messages(sink, "/sms/luis", "handoff");
        Assert.Equal(2, ana.Count);
        Assert.Equal(2, luis.Count);
        Assert.Equal(["outgoing", "incoming"], ana.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(["incoming", "outgoing"], luis.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal([swap, back], ana.Select(m => m.GetProperty("at").GetDateTimeOffset()));
        Assert.StartsWith("Relevo Plataforma semanal/primary", ana[0].GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Handoff Plataforma semanal/primary", luis[0].GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Equal("platform-weekly", luis[0].GetProperty("schedule").GetString());
    }
}
