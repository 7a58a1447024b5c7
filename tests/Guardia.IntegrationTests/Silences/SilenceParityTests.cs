using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Silences;

/// <summary>The same alerts, silences and inhibit rules sent to Guardia and to the real Alertmanager 0.25: the alert
/// statuses, the silence listing and amtool's --silenced/--inhibited views must agree.</summary>
public sealed class SilenceParityTests
{
    const string Config = """
        route:
          receiver: default
          group_by: [alertname]
        receivers:
          - name: default
        inhibit_rules:
          - source_matchers: [severity="critical"]
            target_matchers: [severity="warning"]
            equal: [cluster]
          - source_match: { alertname: NodeDown }
            target_match_re: { alertname: "Node.*" }
            equal: [node]
        """;

    static readonly string[] Alerts =
    [
        """{"labels":{"alertname":"DiskFull","severity":"critical","cluster":"eu"}}""",
        """{"labels":{"alertname":"DiskFull","severity":"warning","cluster":"eu"}}""",
        """{"labels":{"alertname":"DiskFull","severity":"warning","cluster":"us"}}""",
        """{"labels":{"alertname":"Latency","severity":"warning"}}""",
        // One inhibitor per target: Alertmanager picks among several in map order, which no test can pin.
        """{"labels":{"alertname":"Latency","severity":"critical","cluster":"ap","team":"db"}}""",
        """{"labels":{"alertname":"Latency","severity":"warning","cluster":"ap","team":"db"}}""",
        """{"labels":{"alertname":"NodeDown","node":"n1"}}""",
        """{"labels":{"alertname":"NodeDown","node":"n2"}}""",
        """{"labels":{"alertname":"NodeDiskPressure","node":"n1"}}""",
        """{"labels":{"alertname":"Resolved","severity":"critical","cluster":"us"},"endsAt":"2020-01-01T00:00:00Z"}""",
        """{"labels":{"alertname":"Backup","team":"ops","env":"prod"}}""",
        """{"labels":{"alertname":"Backup","team":"ops","env":"dev"}}""",
    ];

    static readonly string[] SilenceMatchers =
    [
        """[{"name":"team","value":"db","isRegex":false}]""",
        """[{"name":"alertname","value":"Backup","isRegex":false},{"name":"env","value":"dev|qa","isRegex":true,"isEqual":false}]""",
        """[{"name":"alertname","value":"DiskFull","isRegex":false},{"name":"cluster","value":"us","isRegex":false}]""",
    ];

    [Fact]
    public async Task AlertStatusesAndSilences_MatchAlertmanager_WithSilencesAndInhibitRules()
    {
        await using var alertmanager = await AlertApiServer.StartAlertmanagerAsync(Config);
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Config);
        var servers = new[] { alertmanager, guardia };
        foreach (var server in servers)
        {
            using var posted = await server.PostAlertsAsync("[" + string.Join(",", Alerts) + "]");
            posted.EnsureSuccessStatusCode();
            foreach (var m in SilenceMatchers)
            {
                await PostSilenceAsync(server, m, 0, 2);
            }
            // A pending silence must not silence anything yet.
            await PostSilenceAsync(server, """[{"name":"alertname","value":"Latency","isRegex":false}]""", 1, 2);
            // An expired silence neither.
            var expired = await PostSilenceAsync(server, """[{"name":"alertname","value":"NodeDown","isRegex":false}]""", 0, 2);
            (await server.Http.DeleteAsync($"/api/v2/silence/{expired}")).EnsureSuccessStatusCode();
        }

        Assert.Equal(await StatusesAsync(alertmanager, ""), await StatusesAsync(guardia, ""));
        foreach (var query in new[] { "?silenced=false", "?inhibited=false", "?active=false", "?silenced=false&inhibited=false", "?active=false&silenced=false" })
        {
            var (a, g) = (await StatusesAsync(alertmanager, query), await StatusesAsync(guardia, query));
            Assert.True(a == g, $"{query}\nalertmanager:\n{a}\nguardia:\n{g}");
        }
        Assert.Equal(await GroupStatusesAsync(alertmanager), await GroupStatusesAsync(guardia));
        Assert.Equal(SilenceAmtoolTests.Comparable(await alertmanager.Http.GetFromJsonAsync<JsonElement>("/api/v2/silences")),
            SilenceAmtoolTests.Comparable(await guardia.Http.GetFromJsonAsync<JsonElement>("/api/v2/silences")));

        foreach (var flags in new[] { new[] { "--silenced" }, ["--inhibited"], ["--active"], ["--silenced", "--inhibited"], ["-a", "-s", "-i"], [] })
        {
            var am = await ExternalProcess.RunAsync(Binaries.Amtool, ["--alertmanager.url=" + alertmanager.Url, "alert", "query", "-o", "json", .. flags]);
            var g = await ExternalProcess.RunAsync(Binaries.Amtool, ["--alertmanager.url=" + guardia.Url, "alert", "query", "-o", "json", .. flags]);
            Assert.True(am.ExitCode == 0 && g.ExitCode == 0, am.StdErr + g.StdErr);
            Assert.True(Fingerprints(am.StdOut) == Fingerprints(g.StdOut), $"amtool alert query {string.Join(' ', flags)}:\nalertmanager {Fingerprints(am.StdOut)}\nguardia {Fingerprints(g.StdOut)}");
        }
    }

    static async Task<string> PostSilenceAsync(AlertApiServer server, string matchers, int startHours, int endHours)
    {
        var now = DateTimeOffset.UtcNow;
        var body = $$"""{"matchers":{{matchers}},"startsAt":"{{now.AddHours(startHours):O}}","endsAt":"{{now.AddHours(endHours):O}}","createdBy":"ana","comment":"paridad"}""";
        using var r = await server.Http.PostAsync("/api/v2/silences", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{server.Name}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("silenceID").GetString()!;
    }

    /// <summary>Per alert (by labels): state, the matchers of the silences that silence it (ids differ between servers), and the inhibiting fingerprints.</summary>
    static async Task<string> StatusesAsync(AlertApiServer server, string query)
    {
        var silences = (await server.Http.GetFromJsonAsync<JsonElement>("/api/v2/silences")).EnumerateArray()
            .ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("matchers").GetRawText());
        var alerts = await server.GetAlertsAsync(query);
        var rows = alerts.EnumerateArray().Select(a => Row(a, silences)).ToList();
        rows.Sort(StringComparer.Ordinal);
        return string.Join("\n", rows);
    }

    static string Row(JsonElement a, Dictionary<string, string> silences)
    {
        var status = a.GetProperty("status");
        var silencedBy = status.GetProperty("silencedBy").EnumerateArray().Select(id => silences[id.GetString()!]).Order(StringComparer.Ordinal);
        var inhibitedBy = status.GetProperty("inhibitedBy").EnumerateArray().Select(f => f.GetString()).Order(StringComparer.Ordinal);
        return $"{a.GetProperty("labels").GetRawText()} {status.GetProperty("state").GetString()} silencedBy=[{string.Join(";", silencedBy)}] inhibitedBy=[{string.Join(";", inhibitedBy)}]";
    }

    static async Task<string> GroupStatusesAsync(AlertApiServer server)
    {
        var silences = (await server.Http.GetFromJsonAsync<JsonElement>("/api/v2/silences")).EnumerateArray()
            .ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("matchers").GetRawText());
        var rows = new List<string>();
        foreach (var g in (await server.Http.GetFromJsonAsync<JsonElement>("/api/v2/alerts/groups?silenced=false")).EnumerateArray())
        {
            foreach (var a in g.GetProperty("alerts").EnumerateArray())
            {
                rows.Add(g.GetProperty("labels").GetRawText() + " " + Row(a, silences));
            }
        }
        rows.Sort(StringComparer.Ordinal);
        return string.Join("\n", rows);
    }

    static string Fingerprints(string amtoolJson)
    {
        var fps = JsonDocument.Parse(amtoolJson).RootElement.EnumerateArray().Select(a => a.GetProperty("fingerprint").GetString()).ToList();
        fps.Sort(StringComparer.Ordinal);
        return string.Join(",", fps);
    }
}
