using System.Net;
using System.Text;
using System.Text.Json;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Silences;

/// <summary>The real amtool managing silences on Guardia, and silences surviving a kill -9.</summary>
public sealed class SilenceAmtoolTests
{
    static async Task<string> AmtoolAsync(AlertApiServer server, params string[] args)
    {
        var (code, stdout, stderr) = await ExternalProcess.RunAsync(Binaries.Amtool, ["--alertmanager.url=" + server.Url, .. args]);
        Assert.True(code == 0, $"amtool {string.Join(' ', args)} failed ({code}): {stderr}");
        return stdout;
    }

    [Fact]
    public async Task Amtool_AddsQueriesAndExpiresSilences()
    {
        await using var guardia = await AlertApiServer.StartGuardiaAsync();

        var id = (await AmtoolAsync(guardia, "silence", "add", "alertname=DiskFull", "severity=~crit.*", "--comment=Ventana de mantenimiento", "--author=ana", "--duration=2h")).Trim();
        Assert.True(Guid.TryParse(id, out _), id);

        var listed = JsonDocument.Parse(await AmtoolAsync(guardia, "silence", "query", "-o", "json")).RootElement.EnumerateArray().Single();
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal("active", listed.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("ana", listed.GetProperty("createdBy").GetString());
        Assert.Equal("Ventana de mantenimiento", listed.GetProperty("comment").GetString());

        Assert.Equal(id, (await AmtoolAsync(guardia, "silence", "query", "-q", "alertname=DiskFull")).Trim());
        Assert.Equal("", (await AmtoolAsync(guardia, "silence", "query", "-q", "alertname=Other")).Trim());

        await AmtoolAsync(guardia, "silence", "expire", id);
        Assert.Equal("", (await AmtoolAsync(guardia, "silence", "query", "-q")).Trim());
        Assert.Equal(id, (await AmtoolAsync(guardia, "silence", "query", "-q", "--expired")).Trim());

        var unknown = await ExternalProcess.RunAsync(Binaries.Amtool, ["--alertmanager.url=" + guardia.Url, "silence", "expire", Guid.NewGuid().ToString()]);
        Assert.NotEqual(0, unknown.ExitCode);
        var matchAll = await ExternalProcess.RunAsync(Binaries.Amtool, ["--alertmanager.url=" + guardia.Url, "silence", "add", "foo=\"\"", "--comment=x"]);
        Assert.NotEqual(0, matchAll.ExitCode);
    }

    [Fact]
    public async Task Amtool_ImportsSilences_ExportedFromRealAlertmanager()
    {
        await using var alertmanager = await AlertApiServer.StartAlertmanagerAsync();
        await using var guardia = await AlertApiServer.StartGuardiaAsync();
        await AmtoolAsync(alertmanager, "silence", "add", "alertname=DiskFull", "instance!=db1", "--comment=disco lleno", "--author=ana", "--duration=2h");
        await AmtoolAsync(alertmanager, "silence", "add", "team=~\"back.*\"", "env!~dev|qa", "--comment=despliegue", "--author=luis", "--duration=30m");
        var exported = await AmtoolAsync(alertmanager, "silence", "query", "-o", "json");
        var file = Path.Combine(guardia.StoragePath, "silences.json");
        await File.WriteAllTextAsync(file, exported);

        await AmtoolAsync(guardia, "silence", "import", file);

        var imported = await AmtoolAsync(guardia, "silence", "query", "-o", "json");
        Assert.Equal(Comparable(JsonDocument.Parse(exported).RootElement, keepEnds: true), Comparable(JsonDocument.Parse(imported).RootElement, keepEnds: true));
    }

    [Fact]
    public async Task Silences_SurviveKill_WithStateAndIds()
    {
        await using var guardia = await AlertApiServer.StartGuardiaAsync();
        var keep = (await AmtoolAsync(guardia, "silence", "add", "alertname=DiskFull", "--comment=c", "--author=a", "--duration=2h")).Trim();
        var gone = (await AmtoolAsync(guardia, "silence", "add", "alertname=Other", "--comment=c", "--author=a", "--duration=2h")).Trim();
        await AmtoolAsync(guardia, "silence", "expire", gone);
        var before = await guardia.Http.GetStringAsync("/api/v2/silences");

        await guardia.Process!.KillAsync();
        await guardia.RestartAsync();

        Assert.Equal(before, await guardia.Http.GetStringAsync("/api/v2/silences"));
        Assert.Equal(keep, (await AmtoolAsync(guardia, "silence", "query", "-q")).Trim());
    }

    [Fact]
    public async Task Post_AnswersLikeAlertmanager_ForBadInput()
    {
        await using var alertmanager = await AlertApiServer.StartAlertmanagerAsync();
        await using var guardia = await AlertApiServer.StartGuardiaAsync();
        var now = DateTimeOffset.UtcNow;
        string Body(string matchers, DateTimeOffset start, DateTimeOffset end, string extra = "") =>
            $$"""{"matchers":[{{matchers}}],"startsAt":"{{start:yyyy-MM-ddTHH:mm:ssZ}}","endsAt":"{{end:yyyy-MM-ddTHH:mm:ssZ}}","createdBy":"ana","comment":"c"{{extra}}}""";
        string[] bodies =
        [
            Body("", now, now.AddHours(1)),
            Body("""{"name":"a","value":"b","isRegex":false}""", now.AddHours(1), now),
            Body("""{"name":"a","value":"b","isRegex":false}""", now.AddHours(-2), now.AddHours(-1)),
            Body("""{"name":"a","value":"","isRegex":false}""", now, now.AddHours(1)),
            Body("""{"name":"a","value":".*","isRegex":true}""", now, now.AddHours(1)),
            Body("""{"name":"a-b","value":"x","isRegex":false}""", now, now.AddHours(1)),
            Body("""{"name":"a","value":"x"}""", now, now.AddHours(1)),
            Body("""{"name":"a","value":"x","isRegex":false}""", now, now.AddHours(1), $$""","id":"{{Guid.NewGuid()}}" """),
            """{"matchers":[{"name":"a","value":"x","isRegex":false}],"comment":"c"}""",
            """{"matchers":[{"name":"a"}],"comment":5}""",
            "",
        ];
        foreach (var body in bodies)
        {
            using var am = await alertmanager.Http.PostAsync("/api/v2/silences", new StringContent(body, Encoding.UTF8, "application/json"));
            using var g = await guardia.Http.PostAsync("/api/v2/silences", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(am.StatusCode == g.StatusCode, $"{body}: alertmanager {am.StatusCode}, guardia {g.StatusCode}");
            Assert.True(am.StatusCode != HttpStatusCode.OK, body);
            Assert.Equal(await am.Content.ReadAsStringAsync(), await g.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task AmtoolUpdate_ReplacesOrKeepsIdsAsAlertmanagerDoes()
    {
        await using var alertmanager = await AlertApiServer.StartAlertmanagerAsync();
        await using var guardia = await AlertApiServer.StartGuardiaAsync();
        var outcomes = new List<string>();
        foreach (var server in new[] { alertmanager, guardia })
        {
            var active = (await AmtoolAsync(server, "silence", "add", "alertname=DiskFull", "--comment=c", "--author=a", "--duration=2h")).Trim();
            var pending = (await AmtoolAsync(server, "silence", "add", "alertname=Later", "--comment=c", "--author=a", "--start=" + DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), "--duration=2h")).Trim();
            await AmtoolAsync(server, "silence", "update", active, "--duration=3h");
            await AmtoolAsync(server, "silence", "update", pending, "--comment=cambiado");
            var activeAfter = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/v2/silence/{active}")).RootElement.GetProperty("status").GetProperty("state").GetString();
            var pendingAfter = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/v2/silence/{pending}")).RootElement.GetProperty("status").GetProperty("state").GetString();
            var states = JsonDocument.Parse(await server.Http.GetStringAsync("/api/v2/silences")).RootElement.EnumerateArray()
                .Select(s => s.GetProperty("status").GetProperty("state").GetString()).Order(StringComparer.Ordinal);
            outcomes.Add($"first silence now {activeAfter}; second now {pendingAfter}; states: {string.Join(",", states)}");
        }
        // amtool reads the start back with millisecond precision; both servers update in place.
        Assert.Equal("first silence now active; second now pending; states: active,pending", outcomes[0]);
        Assert.Equal(outcomes[0], outcomes[1]);
    }

    /// <summary>Silences without ids and times (which differ between servers), sorted, as comparable text.</summary>
    internal static string Comparable(JsonElement silences, bool keepEnds = false)
    {
        var rows = new List<string>();
        foreach (var s in silences.EnumerateArray())
        {
            var matchers = string.Join(",", s.GetProperty("matchers").EnumerateArray().Select(m =>
                $"{m.GetProperty("name").GetString()}|{m.GetProperty("value").GetString()}|{m.GetProperty("isRegex").GetBoolean()}|{(m.TryGetProperty("isEqual", out var e) ? e.GetBoolean() : true)}"));
            rows.Add($"{s.GetProperty("status").GetProperty("state").GetString()} {matchers} by={s.GetProperty("createdBy").GetString()} comment={s.GetProperty("comment").GetString()}"
                + (keepEnds ? $" ends={s.GetProperty("endsAt").GetString()}" : ""));
        }
        rows.Sort(StringComparer.Ordinal);
        return string.Join("\n", rows);
    }
}
