using System.Net;
using System.Text;
using System.Text.Json;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.AlertmanagerV2;

/// <summary>Malformed, mistyped, invalid, duplicate and huge inputs: same status and same kept alerts as
/// Alertmanager, a message that says which alert and which field, and nothing already accepted harmed.</summary>
public sealed class BadInputTests(BadInputTests.Servers servers) : IClassFixture<BadInputTests.Servers>
{
    /// <summary>One Guardia and one Alertmanager shared by the table rows, which run one after another.</summary>
    public sealed class Servers : IAsyncLifetime
    {
        public AlertApiServer Guardia { get; private set; } = null!;

        public AlertApiServer Alertmanager { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Guardia = await AlertApiServer.StartGuardiaAsync();
            Alertmanager = await AlertApiServer.StartAlertmanagerAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (Guardia is not null)
            {
                await Guardia.DisposeAsync();
            }
            if (Alertmanager is not null)
            {
                await Alertmanager.DisposeAsync();
            }
        }
    }

    public static IEnumerable<TheoryDataRow<string, string, string>> Cases =>
    [
        new("malformed JSON", "[{\"labels\":", "line 1"),
        new("object instead of array", "{\"labels\":{\"a\":\"b\"}}", "expected a JSON array"),
        new("number label value", "[{\"labels\":{\"alertname\":\"t1\",\"a\":1}}]", "alerts[0].labels[\"a\"]"),
        new("labels missing", "[{\"annotations\":{\"a\":\"b\"}}]", "0.labels in body is required"),
        new("empty labels", "[{\"labels\":{}}]", "alerts[0]"),
        new("invalid label name in a mixed batch", "[{\"labels\":{\"0a\":\"b\"}},{\"labels\":{\"alertname\":\"kept1\"}}]", "invalid name \"0a\""),
        new("endsAt before startsAt", "[{\"labels\":{\"alertname\":\"t2\"},\"startsAt\":\"2024-01-02T00:00:00Z\",\"endsAt\":\"2024-01-01T00:00:00Z\"},{\"labels\":{\"alertname\":\"kept2\"}}]", "endsAt"),
        new("unparseable time", "[{\"labels\":{\"alertname\":\"t3\"},\"startsAt\":\"yesterday\"}]", "alerts[0].startsAt"),
        new("empty label value dropped", "[{\"labels\":{\"alertname\":\"kept3\",\"empty\":\"\"}}]", ""),
        new("unknown field ignored", "[{\"labels\":{\"alertname\":\"kept4\"},\"foo\":1}]", ""),
        new("empty array", "[]", ""),
        new("generatorURL not a URI", "[{\"labels\":{\"alertname\":\"t4\"},\"generatorURL\":\"not a url\"}]", "generatorURL"),
        new("duplicate label key: last wins", "[{\"labels\":{\"alertname\":\"dup1\",\"alertname\":\"kept5\"}}]", ""),
        new("only empty labels", "[{\"labels\":{\"a\":\"\"}}]", "at least one label pair"),
        new("invalid annotation name", "[{\"labels\":{\"alertname\":\"t5\"},\"annotations\":{\"0bad\":\"v\"}}]", "annotations"),
        new("wrong type for startsAt", "[{\"labels\":{\"alertname\":\"t6\"},\"startsAt\":12}]", "alerts[0].startsAt"),
        new("trailing data after the array is ignored, as Alertmanager does", "[{\"labels\":{\"alertname\":\"kept6\"}}]]", ""),
        new("deeply nested", new string('[', 5000), "expected an object"),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task PostAlerts_AnswersLikeAlertmanager_AndNamesTheProblem(string name, string body, string expectedInMessage)
    {
        var guardia = servers.Guardia;
        var alertmanager = servers.Alertmanager;
        // Something accepted before the bad request must survive it.
        const string First = "[{\"labels\":{\"alertname\":\"before\"}}]";
        Assert.Equal(HttpStatusCode.OK, (await guardia.PostAlertsAsync(First)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alertmanager.PostAlertsAsync(First)).StatusCode);

        using var ours = await guardia.PostAlertsAsync(body);
        using var theirs = await alertmanager.PostAlertsAsync(body);
        var message = Message(await ours.Content.ReadAsStringAsync());
        Assert.True(theirs.StatusCode == ours.StatusCode, $"{name}: Alertmanager {(int)theirs.StatusCode}, Guardia {(int)ours.StatusCode}: {message}");
        Assert.Contains(expectedInMessage, message, StringComparison.Ordinal);

        Assert.Equal(Names(await alertmanager.GetAlertsAsync()), Names(await guardia.GetAlertsAsync()));
        Assert.Contains("before", Names(await guardia.GetAlertsAsync()));
    }

    /// <summary>The text of an error body: a JSON string, or go-swagger's {"code","message"} object.</summary>
    static string Message(string body)
    {
        if (body.Length == 0)
        {
            return body;
        }
        var json = JsonDocument.Parse(body).RootElement;
        return json.ValueKind == JsonValueKind.String ? json.GetString()! : json.GetProperty("message").GetString()!;
    }

    static List<string> Names(JsonElement alerts) =>
        [.. alerts.EnumerateArray().Select(a => a.GetProperty("labels").TryGetProperty("alertname", out var n) ? n.GetString()! : a.GetProperty("labels").ToString()).Order()];

    [Fact]
    public async Task PostAlerts_Answers413AndKeepsServing_WhenBodyExceedsTheLimit()
    {
        await using var guardia = await AlertApiServer.StartGuardiaAsync(extraArgs: ["--web.max-request-body-bytes", "1000"]);
        var big = "[" + string.Join(",", Enumerable.Range(0, 50).Select(i => $"{{\"labels\":{{\"alertname\":\"big{i}\"}}}}")) + "]";
        using var r = await guardia.PostAlertsAsync(big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        Assert.Contains("1000 bytes", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Chunked upload without Content-Length is limited too.
        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new("application/json");
        using var req = new HttpRequestMessage(HttpMethod.Post, "/api/v2/alerts") { Content = chunked };
        req.Headers.TransferEncodingChunked = true;
        using var r2 = await guardia.Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r2.StatusCode);

        using var ok = await guardia.PostAlertsAsync("[{\"labels\":{\"alertname\":\"small\"}}]");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Single((await guardia.GetAlertsAsync()).EnumerateArray());
    }

    [Fact]
    public async Task PostAlerts_StoresAll_WhenOneRequestCarries100000Alerts()
    {
        await using var guardia = await AlertApiServer.StartGuardiaAsync();
        var sb = new StringBuilder("[");
        for (var i = 0; i < 100_000; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            sb.Append("{\"labels\":{\"alertname\":\"Huge\",\"instance\":\"host-").Append(i).Append("\"}}");
        }
        sb.Append(']');
        using var r = await guardia.PostAlertsAsync(sb.ToString());
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(100_000, (await guardia.GetAlertsAsync()).GetArrayLength());
    }
}
