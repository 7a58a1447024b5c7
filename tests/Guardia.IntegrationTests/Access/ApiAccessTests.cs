using System.Net;
using System.Text.Json;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Access;

/// <summary><c>guardia serve</c> with tokens made by <c>guardia token create</c>: API v1 needs a bearer token with a
/// high enough role; health, metrics and API v2 stay open.</summary>
public sealed class ApiAccessTests : IAsyncLifetime
{
    AlertApiServer _guardia = null!;
    readonly Dictionary<string, string> _tokens = [];

    public async ValueTask InitializeAsync()
    {
        _guardia = await AlertApiServer.StartGuardiaAsync();
        foreach (var role in (string[])["viewer", "responder", "admin"])
        {
            _tokens[role] = await TestTokens.CreateAsync(_guardia, "it-" + role, role);
        }
        _tokens["revoked"] = await TestTokens.CreateAsync(_guardia, "it-revoked", "admin");
        var (code, _, stderr) = await Binaries.RunGuardiaAsync("token", "revoke", "it-revoked", "--storage.path", _guardia.StoragePath);
        Assert.True(code == 0, stderr);
    }

    public async ValueTask DisposeAsync() => await _guardia.DisposeAsync();

    static TheoryDataRow<string, string, string, string?, HttpStatusCode> Row(string name, string method, string path, string? token, HttpStatusCode status) =>
        new(name, method, path, token, status) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string, string, string?, HttpStatusCode>> Cases =>
    [
        Row("no token",                  "GET",    "/api/v1/dead-letters",           null,        HttpStatusCode.Unauthorized),
        Row("unknown token",             "GET",    "/api/v1/dead-letters",           "unknown",   HttpStatusCode.Unauthorized),
        Row("not a guardia token",       "GET",    "/api/v1/dead-letters",           "garbage",   HttpStatusCode.Unauthorized),
        Row("revoked token",             "GET",    "/api/v1/dead-letters",           "revoked",   HttpStatusCode.Unauthorized),
        Row("unmatched v1 route",        "GET",    "/api/v1/nothing-here",           null,        HttpStatusCode.Unauthorized),
        Row("viewer reads",              "GET",    "/api/v1/dead-letters",           "viewer",    HttpStatusCode.OK),
        Row("viewer cannot replay",      "POST",   "/api/v1/dead-letters/x/replay",  "viewer",    HttpStatusCode.Forbidden),
        Row("viewer cannot delete",      "DELETE", "/api/v1/dead-letters/x",         "viewer",    HttpStatusCode.Forbidden),
        Row("responder replays",         "POST",   "/api/v1/dead-letters/x/replay",  "responder", HttpStatusCode.NotFound),
        Row("admin replays",             "POST",   "/api/v1/dead-letters/x/replay",  "admin",     HttpStatusCode.NotFound),
        Row("responder cannot audit",    "GET",    "/api/v1/audit",                  "responder", HttpStatusCode.Forbidden),
        Row("admin reads audit",         "GET",    "/api/v1/audit",                  "admin",     HttpStatusCode.OK),
        Row("health is open",            "GET",    "/-/healthy",                     null,        HttpStatusCode.OK),
        Row("ready is open",             "GET",    "/-/ready",                       null,        HttpStatusCode.OK),
        Row("metrics are open",          "GET",    "/metrics",                       null,        HttpStatusCode.OK),
        Row("api v2 is open",            "GET",    "/api/v2/alerts",                 null,        HttpStatusCode.OK),
        Row("openapi is open",           "GET",    "/openapi/v1.json",               null,        HttpStatusCode.OK),
        Row("bad token on open path",    "GET",    "/api/v2/status",                 "unknown",   HttpStatusCode.OK),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Request_GetsStatus_ForTokenAndRole(string name, string method, string path, string? token, HttpStatusCode status)
    {
        _ = name;
        var secret = token switch
        {
            null => null,
            "unknown" => "gdu_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "garbage" => "hunter2",
            _ => _tokens[token],
        };
        using var request = TestTokens.Request(new HttpMethod(method), path, secret);

        using var response = await _guardia.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
            Assert.Equal((int)status, body.GetProperty("code").GetInt32());
            Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
            Assert.Equal(status == HttpStatusCode.Unauthorized, response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer"));
        }
    }

    [Fact]
    public async Task Forbidden_ExplainsRoleInSpanish_WhenAcceptLanguageIsSpanish()
    {
        using var request = TestTokens.Request(HttpMethod.Post, "/api/v1/dead-letters/x/replay", _tokens["viewer"]);
        request.Headers.AcceptLanguage.ParseAdd("es-PE,es;q=0.9");

        using var response = await _guardia.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("message").GetString();

        Assert.Equal("el token \"it-viewer\" tiene el rol viewer; POST /api/v1/dead-letters/x/replay requiere responder o superior", message);
    }

    [Fact]
    public async Task Whoami_PrintsNameAndRole_AsTableAndJson()
    {
        var (tableCode, table, tableErr) = await Binaries.RunGuardiaAsync("token", "whoami", "--guardia.url", _guardia.Url, "--token", _tokens["responder"]);
        var (jsonCode, json, _) = await Binaries.RunGuardiaAsync("token", "whoami", "--guardia.url", _guardia.Url, "--token", _tokens["viewer"], "--output", "json");

        Assert.True(tableCode == 0, tableErr);
        Assert.Contains("│ it-responder │ responder │", table, StringComparison.Ordinal);
        Assert.Equal(0, jsonCode);
        var me = JsonDocument.Parse(json).RootElement;
        Assert.Equal(("it-viewer", "viewer"), (me.GetProperty("name").GetString(), me.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task Whoami_ReadsTokenFromEnvironment_WhenNoTokenOption()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[Binaries.GuardiaDll, "token", "whoami", "--guardia.url", _guardia.Url, "-o", "json"])
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["GUARDIA_TOKEN"] = _tokens["admin"];
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(process.ExitCode == 0, stderr);
        Assert.Equal("it-admin", JsonDocument.Parse(stdout).RootElement.GetProperty("name").GetString());
    }

    public static IEnumerable<TheoryDataRow<string, string[], string>> WhoamiFailures =>
    [
        new("no token", [], "answered 401") { TestDisplayName = "no token" },
        new("revoked token", ["--token", "REVOKED"], "unknown or revoked") { TestDisplayName = "revoked token" },
        new("connection refused", ["--guardia.url", "http://127.0.0.1:1"], "connection refused") { TestDisplayName = "connection refused" },
        new("not a url", ["--guardia.url", "localhost:9093"], "is not an http:// or https:// URL") { TestDisplayName = "not a url" },
    ];

    [Theory]
    [MemberData(nameof(WhoamiFailures))]
    public async Task Whoami_ExitsOneWithClearError_WhenItCannotAsk(string name, string[] extra, string expected)
    {
        _ = name;
        string[] url = extra.Contains("--guardia.url") ? [] : ["--guardia.url", _guardia.Url];
        string[] args = ["token", "whoami", .. url, .. extra.Select(a => a == "REVOKED" ? _tokens["revoked"] : a)];

        var (code, _, stderr) = await Binaries.RunGuardiaAsync(args);

        Assert.Equal(1, code);
        Assert.StartsWith("guardia token whoami: ", stderr, StringComparison.Ordinal);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_ListsV1PathsWithBearerScheme()
    {
        var doc = JsonDocument.Parse(await _guardia.Http.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).RootElement;

        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/whoami", paths);
        Assert.Contains("/api/v1/audit", paths);
        Assert.Contains("/api/v1/dead-letters", paths);
        Assert.Contains("/api/v1/dead-letters/{id}/replay", paths);
        Assert.All(paths, p => Assert.StartsWith("/api/v1/", p, StringComparison.Ordinal));
        Assert.Equal("bearer", doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.True(doc.GetProperty("security")[0].TryGetProperty("bearer", out _));
    }

    [Fact]
    public async Task TokenList_ShowsRevocationWithoutSecrets()
    {
        var (code, stdout, _) = await Binaries.RunGuardiaAsync("token", "list", "--storage.path", _guardia.StoragePath, "--output", "json");

        Assert.Equal(0, code);
        var tokens = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(4, tokens.Count);
        Assert.Equal(JsonValueKind.String, tokens["it-revoked"].GetProperty("revokedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, tokens["it-admin"].GetProperty("revokedAt").ValueKind);
        Assert.DoesNotContain(_tokens["admin"], stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad role", "--name", "x", "--role", "root", "is not one of viewer, responder, admin")]
    [InlineData("bad name", "--name", "x y", "--role", "viewer", "may contain only")]
    [InlineData("taken name", "--name", "it-admin", "--role", "viewer", "already exists")]
    public async Task TokenCreate_Refuses_WhenInputIsBad(string name, string a, string b, string c, string d, string expected)
    {
        _ = name;

        var (code, stdout, stderr) = await Binaries.RunGuardiaAsync("token", "create", a, b, c, d, "--storage.path", _guardia.StoragePath);

        Assert.NotEqual(0, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }
}
