using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Templating.Alertmanager;
using Guardia.Integrations.Notifiers;
using Guardia.Integrations.Notifiers.Email;
using Guardia.Integrations.Notifiers.PagerDuty;
using Guardia.Integrations.Notifiers.Slack;
using Guardia.IntegrationTests.Infrastructure;

namespace Guardia.IntegrationTests.Notifiers;

/// <summary>The senders against sinks on 127.0.0.1: Alertmanager's retry decisions, the per-attempt timeout, SMTP delivery.</summary>
public sealed class NotifierSenderTests
{
    static readonly HttpClient Http = new();
    static readonly NotifierContext Context = new(NotificationTemplates.Create([], TimeProvider.System), "http://127.0.0.1:9093", TimeProvider.System);

    static TestNotification Request()
    {
        var now = DateTimeOffset.UtcNow;
        var alert = new Alert
        {
            Labels = LabelSet.Of(("alertname", "HighErrorRate"), ("severity", "critical")),
            Annotations = LabelSet.Of(("description", "5xx > 5%")),
            StartsAt = now.AddMinutes(-5),
            EndsAt = now.AddMinutes(5),
        };
        return TestNotification.Of("slack-critical", "{}:{alertname=\"HighErrorRate\"}", LabelSet.Of(("alertname", "HighErrorRate")), [alert], "http://127.0.0.1:9093", now);
    }

    public static TheoryData<string, int, bool> StatusCases => new()
    {
        { "server error is retried", 500, true },
        { "bad gateway is retried", 502, true },
        { "rate limiting is retried", 429, true },
        { "not found is not retried", 404, false },
        { "bad request is not retried", 400, false },
    };

    [Theory]
    [MemberData(nameof(StatusCases))]
    public async Task NotifyAsync_ReportsRetry_ByStatus(string name, int status, bool retry)
    {
        _ = name;
        await using var sink = HttpSink.Start();
        sink.Script(status);
        var slack = new SlackNotifier(new SlackConfig { ApiUrl = new Secret(sink.Url + "/hook/T000/SECRET") }, Context, Http);

        var first = await slack.NotifyAsync(Request(), TestContext.Current.CancellationToken);
        var second = await slack.NotifyAsync(Request(), TestContext.Current.CancellationToken);

        Assert.False(first.Success);
        Assert.Equal(retry, first.Retry);
        Assert.Equal(status, first.StatusCode);
        Assert.DoesNotContain("SECRET", first.Error, StringComparison.Ordinal);
        Assert.True(second.Success);
        Assert.Equal(2, sink.Requests.Count);
    }

    [Fact]
    public async Task NotifyAsync_FailsTransiently_WhenPeerHangsPastAttemptTimeout()
    {
        await using var sink = HttpSink.Start();
        sink.Hang = true;
        var config = new PagerDutyConfig { RoutingKey = new Secret("key"), Url = sink.Url + "/v2/enqueue" };
        var pd = new PagerDutyNotifier(config, Context, Http) { AttemptTimeout = TimeSpan.FromMilliseconds(500) };
        var started = DateTime.UtcNow;

        var result = await pd.NotifyAsync(Request(), TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.True(result.Retry);
        Assert.Contains("no answer within 0.5s", result.Error, StringComparison.Ordinal);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task NotifyAsync_SendsBearerToken_FromHttpConfig()
    {
        await using var sink = HttpSink.Start();
        var config = new SlackConfig
        {
            ApiUrl = new Secret(sink.Url + "/hook"),
            HttpConfig = new HttpClientConfig { BearerToken = new Secret("tok-123") },
        };
        var slack = new SlackNotifier(config, Context, Http);

        var result = await slack.NotifyAsync(Request(), TestContext.Current.CancellationToken);

        Assert.True(result.Success, result.Error);
        Assert.Equal("Bearer tok-123", Assert.Single(sink.Requests).Authorization);
        Assert.Equal("application/json", Assert.Single(sink.Requests).ContentType);
    }

    [Fact]
    public async Task NotifyAsync_SendsOAuth2Token_FetchedOnceWithClientCredentials()
    {
        await using var sink = HttpSink.Start();
        sink.RespondJson("/token", """{"access_token":"at-42","token_type":"Bearer","expires_in":3600}""");
        var http = new HttpClientConfig
        {
            OAuth2 = new OAuth2Config
            {
                ClientId = "guardia",
                ClientSecret = new Secret("s3cr3t/+"),
                TokenUrl = sink.Url + "/token",
                Scopes = ["alerts.write", "alerts.read"],
                EndpointParams = new Dictionary<string, string> { ["audience"] = "hooks" },
            },
        };
        using var client = NotifierHttpClients.Create(http);
        var slack = new SlackNotifier(new SlackConfig { ApiUrl = new Secret(sink.Url + "/hook"), HttpConfig = http }, Context, client);

        var first = await slack.NotifyAsync(Request(), TestContext.Current.CancellationToken);
        var second = await slack.NotifyAsync(Request(), TestContext.Current.CancellationToken);

        Assert.True(first.Success, first.Error);
        Assert.True(second.Success, second.Error);
        var token = Assert.Single(sink.Requests, r => r.Path == "/token");
        Assert.Equal("Basic " + Convert.ToBase64String("guardia:s3cr3t%2F%2B"u8.ToArray()), token.Authorization);
        Assert.Equal("grant_type=client_credentials&scope=alerts.write+alerts.read&audience=hooks", token.Body);
        Assert.All(sink.Requests.Where(r => r.Path == "/hook"), r => Assert.Equal("Bearer at-42", r.Authorization));
        Assert.Equal(2, sink.Requests.Count(r => r.Path == "/hook"));
    }

    [Fact]
    public async Task NotifyAsync_FailsTransiently_WhenTokenEndpointRefuses()
    {
        await using var sink = HttpSink.Start();
        sink.Script(401);
        var http = new HttpClientConfig { OAuth2 = new OAuth2Config { ClientId = "guardia", ClientSecret = new Secret("x"), TokenUrl = sink.Url + "/token" } };
        using var client = NotifierHttpClients.Create(http);
        var slack = new SlackNotifier(new SlackConfig { ApiUrl = new Secret(sink.Url + "/hook"), HttpConfig = http }, Context, client);

        var result = await slack.NotifyAsync(Request(), TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.True(result.Retry);
        Assert.Contains("oauth2: cannot fetch token", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(sink.Requests, r => r.Path == "/hook");
    }

    [Fact]
    public async Task NotifyAsync_FailsTransiently_WhenNothingListens()
    {
        var config = new SlackConfig { ApiUrl = new Secret($"http://127.0.0.1:{LoopbackPorts.Next()}/hook/SECRET") };
        var slack = new SlackNotifier(config, Context, Http);

        var result = await slack.NotifyAsync(Request(), TestContext.Current.CancellationToken);

        Assert.True(result.Retry);
        Assert.DoesNotContain("SECRET", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotifyAsync_DeliversEmail_ThroughSmtpWithAuth()
    {
        await using var smtp = SmtpSink.Start();
        var config = new EmailConfig
        {
            To = "oncall@tiendi.example",
            From = "guardia@tiendi.example",
            Smarthost = smtp.Smarthost,
            RequireTls = false,
            AuthUsername = "guardia",
            AuthPassword = new Secret("pw"),
            Headers = new Dictionary<string, string>
            {
                ["From"] = "guardia@tiendi.example",
                ["To"] = "oncall@tiendi.example",
                ["Subject"] = "{{ template \"email.default.subject\" . }}",
            },
        };
        var email = new EmailNotifier(config, Context);

        var result = await email.NotifyAsync(Request(), TestContext.Current.CancellationToken);
        var message = await smtp.WaitForAsync("oncall@tiendi.example", TimeSpan.FromSeconds(10));

        Assert.True(result.Success, result.Error);
        Assert.Equal("guardia", message.AuthUser);
        Assert.Equal("guardia@tiendi.example", message.MailFrom);
        Assert.Contains("Subject: [FIRING:1] HighErrorRate", message.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotifyAsync_FailsTransiently_WhenTlsRequiredButNotOffered()
    {
        await using var smtp = SmtpSink.Start();
        var config = new EmailConfig { To = "a@b.example", From = "c@d.example", Smarthost = smtp.Smarthost, RequireTls = true };
        var email = new EmailNotifier(config, Context);

        var result = await email.NotifyAsync(Request(), TestContext.Current.CancellationToken);

        Assert.False(result.Success);
        Assert.Empty(smtp.Messages);
    }
}
