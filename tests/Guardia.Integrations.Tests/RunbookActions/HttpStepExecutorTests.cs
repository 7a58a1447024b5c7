using System.Text.Json;
using Guardia.Core.Runbooks;
using Guardia.Integrations.RunbookActions;

namespace Guardia.Integrations.Tests.RunbookActions;

public sealed class HttpStepExecutorTests : IAsyncDisposable
{
    readonly LoopbackHttpServer _server = new(r => r.RawUrl switch
    {
        var u when u.StartsWith("/api/v1/status", StringComparison.Ordinal) => (200, "{\"status\":\"success\",\"data\":{\"n\":3,\"items\":[\"a\",\"b\"],\"value\":[1700000000,\"12.5\"]}}"),
        var u when u.StartsWith("/down", StringComparison.Ordinal) => (503, "{\"status\":\"error\"}"),
        var u when u.StartsWith("/text", StringComparison.Ordinal) => (200, "plain text"),
        var u when u.StartsWith("/redirect", StringComparison.Ordinal) => (302, ""),
        _ => (200, JsonSerializer.Serialize(new { url = r.RawUrl, body = r.Body })),
    });

    readonly HttpStepExecutor _http = new(new RunbookActionOptions(), TimeProvider.System);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    static TheoryDataRow<string, string, Dictionary<string, string>, StepOutcome> Row(string name, string body, Dictionary<string, string> attributes, StepOutcome outcome) =>
        new(name, body, attributes, outcome) { TestDisplayName = name };

    static Dictionary<string, string> A(params (string, string)[] kv) => kv.ToDictionary(x => x.Item1, x => x.Item2);

    public static IEnumerable<TheoryDataRow<string, string, Dictionary<string, string>, StepOutcome>> Expectations =>
    [
        Row("default 2xx",                 "GET {base}/api/v1/status",  A(),                                                StepOutcome.Succeeded),
        Row("json string equals",          "GET {base}/api/v1/status",  A(("expect_json", "$.status == \"success\"")),      StepOutcome.Succeeded),
        Row("json string differs",         "GET {base}/api/v1/status",  A(("expect_json", "$.status == \"error\"")),        StepOutcome.Failed),
        Row("json number compare",         "GET {base}/api/v1/status",  A(("expect_json", "$.data.n < 5")),                 StepOutcome.Succeeded),
        Row("json number compare fails",   "GET {base}/api/v1/status",  A(("expect_json", "$.data.n > 5")),                 StepOutcome.Failed),
        Row("json array length",           "GET {base}/api/v1/status",  A(("expect_json", "$.data.items.length == 2")),     StepOutcome.Succeeded),
        Row("json string sample as number","GET {base}/api/v1/status",  A(("expect_json", "$.data.value[1] >= 12.5")),     StepOutcome.Succeeded),
        Row("json path exists",            "GET {base}/api/v1/status",  A(("expect_json", "$.data")),                       StepOutcome.Succeeded),
        Row("json path missing",           "GET {base}/api/v1/status",  A(("expect_json", "$.data.nope")),                  StepOutcome.Failed),
        Row("json on non-json",            "GET {base}/text",           A(("expect_json", "$.status")),                     StepOutcome.Failed),
        Row("503 fails 2xx",               "GET {base}/down",           A(),                                                StepOutcome.Failed),
        Row("503 expected",                "GET {base}/down",           A(("expect_status", "503")),                        StepOutcome.Succeeded),
        Row("list of statuses",            "GET {base}/down",           A(("expect_status", "200,503")),                    StepOutcome.Succeeded),
        Row("redirect not followed",       "GET {base}/redirect",       A(),                                                StepOutcome.Failed),
        Row("bad expect_status",           "GET {base}/down",           A(("expect_status", "ok")),                         StepOutcome.Rejected),
        Row("bad expect_json",             "GET {base}/down",           A(("expect_json", "status is ok")),                 StepOutcome.Rejected),
        Row("unknown method",              "FETCH {base}/",             A(),                                                StepOutcome.Rejected),
        Row("not a url",                   "GET /relative",             A(),                                                StepOutcome.Rejected),
        Row("ftp url",                     "GET ftp://127.0.0.1/x",     A(),                                                StepOutcome.Rejected),
        Row("empty body",                  "",                          A(),                                                StepOutcome.Rejected),
        Row("bad header line",             "GET {base}/\nnot a header", A(),                                                StepOutcome.Rejected),
    ];

    [Theory]
    [MemberData(nameof(Expectations))]
    public async Task ExecuteAsync_ChecksStatusAndJson(string name, string body, Dictionary<string, string> attributes, StepOutcome outcome)
    {
        _ = name;

        var result = await _http.ExecuteAsync(Steps.Request("http", body.Replace("{base}", _server.BaseUrl, StringComparison.Ordinal), attributes: attributes), TestContext.Current.CancellationToken);

        Assert.True(outcome == result.Outcome, $"{result.Outcome}: {result.Error}\n{result.Output}");
    }

    public static IEnumerable<TheoryDataRow<string, string>> Payloads =>
    [
        new("path traversal", "../../admin?role=root#x") { TestDisplayName = "path traversal" },
        new("query splitting", "a&admin=true") { TestDisplayName = "query splitting" },
        new("json breakout", "\",\"admin\":true,\"x\":\"") { TestDisplayName = "json breakout" },
        new("shell syntax", "$(touch /tmp/pwned); rm -rf / `id`") { TestDisplayName = "shell syntax" },
        new("newline", "a\r\nX-Injected: 1") { TestDisplayName = "newline" },
        new("unicode", "ñandú 🚨") { TestDisplayName = "unicode" },
    ];

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task ExecuteAsync_EncodesParameters_InUrlAndJsonBody(string name, string payload)
    {
        _ = name;
        var body = $"POST {_server.BaseUrl}/items/{{id}}?q={{q}}&page=1\nContent-Type: application/json\n\n{{\"name\": \"{{id}}\", \"n\": 1}}";

        var result = await _http.ExecuteAsync(Steps.Request("http", body, Steps.Params(("id", payload), ("q", payload))), TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Succeeded, result.Outcome);
        var received = Assert.Single(_server.Requests);
        var escaped = Uri.EscapeDataString(payload);
        Assert.Equal($"/items/{escaped}?q={escaped}&page=1", received.RawUrl);
        using var json = JsonDocument.Parse(received.Body);
        Assert.Equal(["name", "n"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(payload, json.RootElement.GetProperty("name").GetString());
        Assert.False(received.Headers.ContainsKey("X-Injected"));
    }

    public static IEnumerable<TheoryDataRow<string, string, string>> Refusals =>
    [
        new("parameter in host", "GET http://{host}/x", "host") { TestDisplayName = "parameter in host" },
        new("parameter in port", "GET http://127.0.0.1:{port}/x", "port") { TestDisplayName = "parameter in port" },
        new("unquoted in body", "POST {base}/x\n\n{\"n\": {p}}", "p") { TestDisplayName = "unquoted in body" },
        new("inside a body string", "POST {base}/x\n\n{\"n\": \"id {p}\"}", "p") { TestDisplayName = "inside a body string" },
        new("CRLF into header", "GET {base}/x\nX-Id: {p}", "p") { TestDisplayName = "CRLF into header" },
        new("unknown parameter", "GET {base}/x/{nope}", "p") { TestDisplayName = "unknown parameter" },
    ];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ExecuteAsync_Rejects_ParametersOutsideSafePlaces(string name, string body, string parameter)
    {
        _ = name;

        var result = await _http.ExecuteAsync(
            Steps.Request("http", body.Replace("{base}", _server.BaseUrl, StringComparison.Ordinal), Steps.Params((parameter, "evil.example\r\nX: 1"))),
            TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Rejected, result.Outcome);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task ExecuteAsync_Rejects_UrlOutsideAllowedPrefixes()
    {
        var http = new HttpStepExecutor(new RunbookActionOptions { HttpAllowedUrlPrefixes = ["http://127.0.0.2:1/"] }, TimeProvider.System);

        var result = await http.ExecuteAsync(Steps.Request("http", $"GET {_server.BaseUrl}/api/v1/status"), TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Rejected, result.Outcome);
        Assert.Contains("allowed URL prefix", result.Error, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task ExecuteAsync_SendsSecretHeader_AndRedactsItsEcho()
    {
        var body = $"GET {_server.BaseUrl}/echo?token={{token}}\nAuthorization: Bearer {{token}}";

        var result = await _http.ExecuteAsync(Steps.Request("http", body, Steps.Params(("token", "tok-9f8e7d6c")), secrets: ["token"]), TestContext.Current.CancellationToken);

        Assert.Equal(StepOutcome.Succeeded, result.Outcome);
        Assert.Equal("Bearer tok-9f8e7d6c", Assert.Single(_server.Requests).Headers["Authorization"]);
        Assert.DoesNotContain("tok-9f8e7d6c", result.Output, StringComparison.Ordinal);
        Assert.Contains("token=<secret>", result.Output, StringComparison.Ordinal);
        Assert.StartsWith("HTTP 200 OK\n", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeDryRun_ShowsResolvedRequest_WithSecretsHidden()
    {
        var text = _http.DescribeDryRun(Steps.Request("http", "POST http://127.0.0.1:9093/api/{path}?who={who}\nAuthorization: Bearer {token}\n\n{\"who\": \"{who}\"}",
            Steps.Params(("path", "a b"), ("who", "ana"), ("token", "tok-123456")), new Dictionary<string, string> { ["expect_status"] = "200" }, secrets: ["token"]));

        Assert.Equal("POST http://127.0.0.1:9093/api/a%20b?who=ana\nAuthorization: Bearer <secret>\n\n{\"who\": \"ana\"}\n# expect status 200", text);
    }
}
