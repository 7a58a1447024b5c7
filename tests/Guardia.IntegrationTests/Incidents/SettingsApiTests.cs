using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Guardia.IntegrationTests.Access;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Incidents;

/// <summary>The on-call configuration through API v1 and the CLI, and ingestion tokens read from the settings file.</summary>
public sealed class SettingsApiTests
{
    const string Settings = """
        alertmanager:
          route:
            receiver: default
          receivers:
            - name: default
        users:
          - id: juan
            name: Juan Pérez
            time_zone: America/Lima
            contact_methods: [{type: log}]
          - id: maria
            name: María García
            time_zone: America/Lima
            contact_methods: [{type: webhook, url: 'http://127.0.0.1:9/secret-path'}]
        schedules:
          - id: tiendi-oncall
            name: Tiendi
            time_zone: America/Lima
            layers:
              - name: primary
                rotation: weekly
                start: 2026-11-23T09:00
                participants: [juan, maria]
        api:
          ingestion_tokens:
            - sender: prometheus
              token: prometheus-ingest-token-0123
        """;

    [Fact]
    public async Task Settings_AreReadableAndReplaceable_AndBadVersionsChangeNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Settings);
        var admin = await TestTokens.CreateAsync(guardia, "it-admin", "admin");
        var viewer = await TestTokens.CreateAsync(guardia, "it-viewer", "viewer");

        var shown = await GetAsync(guardia, "/api/v1/settings", viewer);
        Assert.Equal(["juan", "maria"], shown.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("id").GetString()));
        Assert.DoesNotContain("secret-path", shown.GetRawText(), StringComparison.Ordinal);

        // A viewer may not replace; an invalid version is refused with its position and changes nothing.
        using (var refused = await PutAsync(guardia, Settings.Replace("juan, maria", "juan, pedro", StringComparison.Ordinal), viewer))
        {
            Assert.Equal(403, (int)refused.StatusCode);
        }
        using (var bad = await PutAsync(guardia, Settings.Replace("participants: [juan, maria]", "participants: [juan, pedro]", StringComparison.Ordinal), admin))
        {
            Assert.Equal(400, (int)bad.StatusCode);
            var error = JsonDocument.Parse(await bad.Content.ReadAsStringAsync(ct)).RootElement;
            Assert.Contains("pedro", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal(23, error.GetProperty("line").GetInt32());
        }
        Assert.Equal(Settings, await File.ReadAllTextAsync(guardia.ConfigFile, ct));

        // A good version replaces the file and is in force at once.
        using (var good = await PutAsync(guardia, Settings.Replace("participants: [juan, maria]", "participants: [maria, juan]", StringComparison.Ordinal), admin))
        {
            Assert.Equal(200, (int)good.StatusCode);
        }
        var oncall = await GetAsync(guardia, "/api/v1/oncall?schedule=tiendi-oncall&at=2026-11-24T12:00:00-05:00", viewer);
        Assert.Equal("maria", oncall[0].GetProperty("final")[0].GetString());

        // The CLI answers the same, as a table.
        var (code, stdout, stderr) = await Binaries.RunGuardiaAsync("oncall", "--guardia.url", guardia.Url, "--token", viewer, "--at", "2026-11-24T12:00:00-05:00");
        Assert.True(code == 0, stderr);
        Assert.Contains("primary", stdout, StringComparison.Ordinal);
        Assert.Contains("maria", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertIngestion_RequiresTheSendersToken_WhenTheSettingsFileListsOne()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Settings);
        using (var anonymous = await guardia.PostAlertsAsync("""[{"labels":{"alertname":"x"}}]"""))
        {
            Assert.Equal(401, (int)anonymous.StatusCode);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/alerts")
        {
            Content = new StringContent("""[{"labels":{"alertname":"x"}}]""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "prometheus-ingest-token-0123");
        using var accepted = await guardia.Http.SendAsync(request, ct);
        Assert.Equal(200, (int)accepted.StatusCode);
        Assert.Equal(1, (await guardia.GetAlertsAsync()).GetArrayLength());
    }

    static async Task<JsonElement> GetAsync(AlertApiServer guardia, string path, string token)
    {
        using var request = TestTokens.Request(HttpMethod.Get, path, token);
        using var response = await guardia.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    static Task<HttpResponseMessage> PutAsync(AlertApiServer guardia, string yaml, string token)
    {
        var request = TestTokens.Request(HttpMethod.Put, "/api/v1/settings/file", token);
        request.Content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        return guardia.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
