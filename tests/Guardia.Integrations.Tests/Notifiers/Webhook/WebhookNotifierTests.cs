using System.Net;
using System.Text.Json;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Notify;
using Guardia.Core.Routing;
using Guardia.Integrations.Notifiers.Webhook;

namespace Guardia.Integrations.Tests.Notifiers.Webhook;

public sealed class WebhookNotifierTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    sealed class Stub(HttpStatusCode status) : HttpMessageHandler
    {
        public HttpRequestMessage? Request;
        public string Body = string.Empty;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Request = request;
            Body = await request.Content!.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(status) { Content = new StringContent("nope") };
        }
    }

    static (Flush, IReadOnlyList<Alert>) Group(int count)
    {
        var options = Route.Build(AlertmanagerConfigLoader.Load("route:\n  receiver: r\nreceivers:\n  - name: r\n", "am.yml").Route).Options;
        var alerts = new List<Alert>();
        for (var i = 0; i < count; i++)
        {
            alerts.Add(new Alert
            {
                Labels = LabelSet.Of(("alertname", "Down"), ("instance", $"i{i}")),
                Annotations = LabelSet.Of(("summary", "down")),
                StartsAt = Now.AddMinutes(-5).AddTicks(1234567),
                EndsAt = i == 0 ? Now.AddMinutes(-1) : default,
                GeneratorUrl = "http://prom/graph",
            });
        }
        return (new Flush("{}:{alertname=\"Down\"}", "team.db", LabelSet.Of(("alertname", "Down")), Now, options), alerts);
    }

    static TheoryDataRow<int, bool, string> Row(string name, int status, bool retry, string _) => new(status, retry, _) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<int, bool, string>> Statuses =>
    [
        Row("5xx is retried", 503, true, ""),
        Row("4xx is not retried", 400, false, ""),
        Row("redirect answer without following is not retried", 302, false, ""),
    ];

    [Theory]
    [MemberData(nameof(Statuses))]
    public async Task Notify_ClassifiesFailures_AsAlertmanagersRetrier(int status, bool retry, string _)
    {
        var stub = new Stub((HttpStatusCode)status);
        using var http = new HttpClient(stub);
        var notifier = new WebhookNotifier(new WebhookConfig { Url = "http://sink/hook" }, http, "http://am:9093");
        var (flush, alerts) = Group(1);
        var result = await notifier.NotifyAsync(flush, alerts, CancellationToken.None);
        Assert.False(result.Success);
        Assert.Equal(retry, result.Retry);
        Assert.Equal(status, result.StatusCode);
        Assert.Contains($"unexpected status code {status}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notify_PostsAlertmanagersMessage_WithTruncationAndBearerToken()
    {
        var stub = new Stub(HttpStatusCode.OK);
        using var http = new HttpClient(stub);
        var config = new WebhookConfig { Url = "http://sink/hook", MaxAlerts = 2, HttpConfig = new HttpClientConfig { BearerToken = new Secret("t0k") } };
        var (flush, alerts) = Group(3);
        var result = await new WebhookNotifier(config, http, "http://am:9093").NotifyAsync(flush, alerts, CancellationToken.None);
        Assert.True(result.Success);
        Assert.Equal("Bearer t0k", stub.Request!.Headers.Authorization!.ToString());
        Assert.Equal("application/json", stub.Request.Content!.Headers.ContentType!.MediaType);
        using var doc = JsonDocument.Parse(stub.Body);
        var root = doc.RootElement;
        Assert.Equal(
            ["receiver", "status", "alerts", "groupLabels", "commonLabels", "commonAnnotations", "externalURL", "version", "groupKey", "truncatedAlerts"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("team\\.db", root.GetProperty("receiver").GetString());
        Assert.Equal("firing", root.GetProperty("status").GetString());
        Assert.Equal(1, root.GetProperty("truncatedAlerts").GetInt32());
        Assert.Equal("4", root.GetProperty("version").GetString());
        Assert.Equal("{}:{alertname=\"Down\"}", root.GetProperty("groupKey").GetString());
        Assert.Equal("http://am:9093", root.GetProperty("externalURL").GetString());
        Assert.Equal("""{"alertname":"Down"}""", root.GetProperty("commonLabels").GetRawText());
        var first = root.GetProperty("alerts")[0];
        Assert.Equal(
            ["status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"],
            first.EnumerateObject().Select(p => p.Name));
        Assert.Equal("resolved", first.GetProperty("status").GetString());
        Assert.Equal("2026-11-23T08:55:00.1234567Z", first.GetProperty("startsAt").GetString());
        Assert.Equal("0001-01-01T00:00:00Z", root.GetProperty("alerts")[1].GetProperty("endsAt").GetString());
        Assert.Equal(alerts[0].Fingerprint.ToString(), first.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public async Task Notify_SendsBasicAuth_WhenConfigured()
    {
        var stub = new Stub(HttpStatusCode.OK);
        using var http = new HttpClient(stub);
        var config = new WebhookConfig { Url = "http://sink/hook", HttpConfig = new HttpClientConfig { BasicAuth = new BasicAuthConfig("am", new Secret("pw"), null) } };
        var (flush, alerts) = Group(1);
        await new WebhookNotifier(config, http, "http://am:9093").NotifyAsync(flush, alerts, CancellationToken.None);
        Assert.Equal("Basic YW06cHc=", stub.Request!.Headers.Authorization!.ToString());
    }

    [Fact]
    public async Task Notify_IsRetryable_WhenTheReceiverIsDown()
    {
        using var http = new HttpClient();
        var config = new WebhookConfig { Url = "http://127.0.0.1:1/hook" };
        var (flush, alerts) = Group(1);
        var result = await new WebhookNotifier(config, http, "http://am:9093").NotifyAsync(flush, alerts, CancellationToken.None);
        Assert.True(result.Retry);
    }
}
