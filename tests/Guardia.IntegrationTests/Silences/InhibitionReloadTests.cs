using System.Text.Json;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Silences;

/// <summary>Inhibition rules follow configuration reloads and apply to alerts received before the reload.</summary>
public sealed class InhibitionReloadTests
{
    [Fact]
    public async Task Reload_AppliesNewInhibitRules_ToAlertsAlreadyHeld()
    {
        await using var guardia = await AlertApiServer.StartGuardiaAsync();
        using var posted = await guardia.PostAlertsAsync("""
            [{"labels":{"alertname":"DiskFull","severity":"critical","cluster":"eu"}},
             {"labels":{"alertname":"DiskFull","severity":"warning","cluster":"eu"}}]
            """);
        posted.EnsureSuccessStatusCode();
        Assert.Equal(["active", "active"], States(await guardia.GetAlertsAsync()));

        await File.WriteAllTextAsync(guardia.ConfigFile, AlertApiServer.DefaultConfig + """
            inhibit_rules:
              - source_matchers: [severity="critical"]
                target_matchers: [severity="warning"]
                equal: [cluster]
            """);
        using (var reload = await guardia.Http.PostAsync("/-/reload", null))
        {
            Assert.True(reload.IsSuccessStatusCode, await reload.Content.ReadAsStringAsync());
        }

        var alerts = await guardia.GetAlertsAsync();
        var critical = alerts.EnumerateArray().Single(a => a.GetProperty("labels").GetProperty("severity").GetString() == "critical");
        var warning = alerts.EnumerateArray().Single(a => a.GetProperty("labels").GetProperty("severity").GetString() == "warning");
        Assert.Equal("active", critical.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("suppressed", warning.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(critical.GetProperty("fingerprint").GetString(), warning.GetProperty("status").GetProperty("inhibitedBy")[0].GetString());
        Assert.Single((await guardia.GetAlertsAsync("?inhibited=false")).EnumerateArray());
    }

    static List<string> States(JsonElement alerts) =>
        [.. alerts.EnumerateArray().Select(a => a.GetProperty("status").GetProperty("state").GetString()!)];
}
