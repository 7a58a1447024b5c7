using System.Net;
using System.Text;
using System.Text.Json;
using Guardia.IntegrationTests.Access;
using Guardia.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Guardia.IntegrationTests.Audit;

/// <summary>Changes made through the API of a running <c>guardia serve</c> land in the audit log, which
/// <c>guardia audit verify</c> checks and <c>guardia audit export</c> exports from the database file.</summary>
public sealed class AuditTrailTests
{
    const string Silence = """
        {"matchers":[{"name":"alertname","value":"HighErrorRate","isRegex":false,"isEqual":true}],
         "startsAt":"2026-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","createdBy":"ana","comment":"deploy, \"v2\""}
        """;

    static async Task<(AlertApiServer Guardia, string Admin, string Responder)> StartAsync()
    {
        var guardia = await AlertApiServer.StartGuardiaAsync();
        var admin = await TestTokens.CreateAsync(guardia, "auditor", "admin");
        var responder = await TestTokens.CreateAsync(guardia, "oncall-ana", "responder");
        return (guardia, admin, responder);
    }

    static async Task<JsonElement> AuditAsync(AlertApiServer guardia, string token, string query = "")
    {
        using var request = TestTokens.Request(HttpMethod.Get, "/api/v1/audit" + query, token);
        using var response = await guardia.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task Mutations_AreAudited_AndIngestionIsNot()
    {
        var (guardia, admin, responder) = await StartAsync();
        await using var lifetime = guardia;
        var ct = TestContext.Current.CancellationToken;

        using (var r = await guardia.Http.PostAsync("/api/v2/silences", new StringContent(Silence, Encoding.UTF8, "application/json"), ct))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        using (var r = await guardia.PostAlertsAsync("""[{"labels":{"alertname":"HighErrorRate"}}]"""))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        using (var request = TestTokens.Request(HttpMethod.Post, "/api/v1/dead-letters/dl-9/replay", responder))
        using (var r = await guardia.Http.SendAsync(request, ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }
        using (var r = await guardia.Http.PostAsync("/-/reload", null, ct))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        var events = (await AuditAsync(guardia, admin)).EnumerateArray().ToList();

        // Newest first: reload, replay, silence, then the two token creations by the CLI.
        Assert.Equal(["api.reload", "api.dead-letter.replay", "api.silence.create", "token.create", "token.create"], events.Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal([5L, 4, 3, 2, 1], events.Select(e => e.GetProperty("sequence").GetInt64()));
        var replay = events[1];
        Assert.Equal("oncall-ana", replay.GetProperty("actor").GetString());
        Assert.Equal("dl-9", replay.GetProperty("target").GetString());
        Assert.Equal(404, replay.GetProperty("details").GetProperty("status").GetInt32());
        Assert.Equal("responder", replay.GetProperty("details").GetProperty("role").GetString());
        Assert.Equal("anonymous (127.0.0.1)", events[2].GetProperty("actor").GetString());
        Assert.Equal(events[1].GetProperty("previousHash").GetString(), events[2].GetProperty("hash").GetString());
    }

    public static IEnumerable<TheoryDataRow<string, string, string[]>> Filters =>
    [
        new("kind prefix", "?kind=token", ["token.create", "token.create"]) { TestDisplayName = "kind prefix" },
        new("actor", "?actor=oncall-ana", ["api.dead-letter.delete"]) { TestDisplayName = "actor" },
        new("limit", "?limit=1", ["api.dead-letter.delete"]) { TestDisplayName = "limit" },
        new("future since", "?since=2999-01-01T00:00:00Z", []) { TestDisplayName = "future since" },
        new("past until", "?until=2000-01-01", []) { TestDisplayName = "past until" },
    ];

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Query_Filters_ByTimeActorKindAndLimit(string name, string query, string[] kinds)
    {
        _ = name;
        var (guardia, admin, responder) = await StartAsync();
        await using var lifetime = guardia;
        using (var request = TestTokens.Request(HttpMethod.Delete, "/api/v1/dead-letters/nope", responder))
        using (var r = await guardia.Http.SendAsync(request, TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }

        var events = await AuditAsync(guardia, admin, query);

        Assert.Equal(kinds, events.EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
    }

    [Theory]
    [InlineData("?since=yesterday")]
    [InlineData("?limit=0")]
    [InlineData("?limit=-5")]
    [InlineData("?limit=abc")]
    [InlineData("?limit=10001")]
    public async Task Query_Answers400_WhenParametersAreBad(string query)
    {
        var (guardia, admin, _) = await StartAsync();
        await using var lifetime = guardia;
        using var request = TestTokens.Request(HttpMethod.Get, "/api/v1/audit" + query, admin);

        using var response = await guardia.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task VerifyAndExport_ReadTheFile_AndVerifyFailsAfterEdit()
    {
        var (guardia, admin, _) = await StartAsync();
        await using var lifetime = guardia;
        using (var r = await guardia.Http.PostAsync("/api/v2/silences", new StringContent(Silence, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var file = Path.Combine(guardia.StoragePath, "export.csv");

        var (verifyCode, verifyOut, verifyErr) = await Binaries.RunGuardiaAsync("audit", "verify", "--storage.path", guardia.StoragePath);
        var (exportCode, _, exportErr) = await Binaries.RunGuardiaAsync("audit", "export", "--format", "csv", "--since", "1h", "--output", file, "--storage.path", guardia.StoragePath);
        var (jsonCode, json, _) = await Binaries.RunGuardiaAsync("audit", "export", "--format", "json", "--since", "2000-01-01", "--storage.path", guardia.StoragePath);

        Assert.True(verifyCode == 0, verifyErr);
        Assert.StartsWith("audit log intact: 3 events", verifyOut, StringComparison.Ordinal);
        Assert.Contains("head: sequence 3 hash ", verifyOut, StringComparison.Ordinal);
        Assert.True(exportCode == 0, exportErr);
        var csv = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
        var lines = csv.Split("\r\n");
        Assert.Equal("sequence,at,actor,kind,target,details,previous_hash,hash", lines[0]);
        Assert.Equal(5, lines.Length); // header, 3 events, and the empty string after the last CRLF
        Assert.StartsWith("3,", lines[3], StringComparison.Ordinal);
        Assert.Contains(",api.silence.create,", lines[3], StringComparison.Ordinal);
        // The details JSON has commas and quotes: RFC 4180 quotes the field and doubles the quotes.
        Assert.Contains(",\"{\"\"method\"\":\"\"POST\"\",", lines[3], StringComparison.Ordinal);
        Assert.Equal(0, jsonCode);
        Assert.Equal(3, JsonDocument.Parse(json).RootElement.GetArrayLength());

        Tamper(guardia.StoragePath, "UPDATE audit_events SET actor = 'someone-else' WHERE sequence = 2;");
        var (tamperedCode, _, tamperedErr) = await Binaries.RunGuardiaAsync("audit", "verify", "--storage.path", guardia.StoragePath);

        Assert.Equal(1, tamperedCode);
        Assert.Contains("audit log broken at sequence 2: its fields do not match its hash (edited)", tamperedErr, StringComparison.Ordinal);
        _ = admin;
    }

    [Fact]
    public async Task Verify_FailsAtDeletedLastEvent_WhenServerIsRunning()
    {
        var (guardia, _, _) = await StartAsync();
        await using var lifetime = guardia;

        Tamper(guardia.StoragePath, "DELETE FROM audit_events WHERE sequence = 2;");
        var (code, _, stderr) = await Binaries.RunGuardiaAsync("audit", "verify", "--storage.path", guardia.StoragePath);

        Assert.Equal(1, code);
        Assert.Contains("broken at sequence 2", stderr, StringComparison.Ordinal);
        Assert.Contains("newest events were deleted", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no store", new[] { "verify", "--storage.path", "/nonexistent/guardia" }, 2, "no Guardia database")]
    [InlineData("bad format", new[] { "export", "--format", "xml" }, 2, "is not csv or json")]
    [InlineData("bad since", new[] { "export", "--since", "last tuesday" }, 2, "--since and --until take")]
    public async Task Audit_ExitsWithUsageError_WhenInputIsBad(string name, string[] args, int expected, string message)
    {
        _ = name;

        var (code, _, stderr) = await Binaries.RunGuardiaAsync(["audit", .. args]);

        Assert.Equal(expected, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    /// <summary>What someone with write access to the file can do: drop the append-only triggers and change rows.</summary>
    static void Tamper(string storage, string sql)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(storage, "guardia.db"), Pooling = false };
        using var c = new SqliteConnection(builder.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA busy_timeout=5000; DROP TRIGGER IF EXISTS audit_events_no_update; DROP TRIGGER IF EXISTS audit_events_no_delete; " + sql;
        cmd.ExecuteNonQuery();
    }
}
