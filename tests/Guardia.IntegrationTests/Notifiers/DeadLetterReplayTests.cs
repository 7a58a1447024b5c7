using System.Text.Json;
using Guardia.Core.Alerts;
using Guardia.Core.DeadLetters;
using Guardia.IntegrationTests.Access;
using Guardia.IntegrationTests.Infrastructure;
using Guardia.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Guardia.IntegrationTests.Notifiers;

/// <summary><c>guardia serve</c> with dead letters on disk: the API lists them with secrets redacted and the CLI replays them.</summary>
public sealed class DeadLetterReplayTests
{
    const string SlackSecretPath = "/slack/T000/B000/XXXXSECRET";

    static string Config(string sink) => $$$"""
        route:
          receiver: slack-critical
        receivers:
          - name: slack-critical
            slack_configs:
              - api_url: '{{{sink}}}{{{SlackSecretPath}}}'
                channel: '#alerts-critical'
                title: '🚨 CRITICAL: {{ .GroupLabels.alertname }}'
                text: '{{ range .Alerts }}{{ .Annotations.description }}{{ end }}'
          - name: team-hooks
            webhook_configs:
              - url: '{{{sink}}}/hook'
        """;

    static async Task<string> StorageWithLetterAsync(string sink, string receiver = "slack-critical", string integration = "slack")
    {
        var storage = Directory.CreateTempSubdirectory("guardia-it-dl-").FullName;
        var at = DateTimeOffset.UtcNow;
        using (var store = new SqliteDeadLetterStore(SqliteDatabase.Open(storage)))
        {
            await store.AddAsync(new DeadLetter
            {
                Id = "dl-1",
                Receiver = receiver,
                Integration = integration,
                GroupKey = "{}:{alertname=\"HighErrorRate\"}",
                GroupLabels = LabelSet.Of(("alertname", "HighErrorRate")),
                Alerts = [new Alert { Labels = LabelSet.Of(("alertname", "HighErrorRate")), Annotations = LabelSet.Of(("description", "5xx > 5%")), StartsAt = at.AddMinutes(-5), EndsAt = at.AddHours(1) }],
                ExternalUrl = "http://127.0.0.1:9093",
                FlushedAt = at,
                // An error that quotes the webhook URL, as a proxy error page might: the API must not show it.
                Error = $"unexpected status code 503: upstream {sink}{SlackSecretPath} unavailable",
                Attempts = 10,
                FirstFailure = at,
                LastFailure = at,
            }, CancellationToken.None);
        }
        SqliteConnection.ClearAllPools();
        return storage;
    }

    [Fact]
    public async Task ReplayAll_DeliversAndRemovesLetter_WhenPeerAccepts()
    {
        await using var sink = HttpSink.Start();
        var storage = await StorageWithLetterAsync(sink.Url);
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Config(sink.Url), storage);
        var token = await TestTokens.CreateAsync(guardia, "oncall", "responder");
        guardia.Http.DefaultRequestHeaders.Authorization = new("Bearer", token);

        var listed = await guardia.Http.GetStringAsync("/api/v1/dead-letters", TestContext.Current.CancellationToken);
        var (code, stdout, stderr) = await Binaries.RunGuardiaAsync("notifications", "replay", "--all", "--url", guardia.Url, "--token", token);
        var after = await guardia.Http.GetStringAsync("/api/v1/dead-letters", TestContext.Current.CancellationToken);

        Assert.DoesNotContain("XXXXSECRET", listed, StringComparison.Ordinal);
        Assert.Contains("<secret>", JsonDocument.Parse(listed).RootElement[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("1 delivered, 0 failed", stdout, StringComparison.Ordinal);
        var sent = Assert.Single(sink.Requests);
        Assert.Equal(SlackSecretPath, sent.Path);
        Assert.Contains("🚨 CRITICAL: HighErrorRate", sent.Body, StringComparison.Ordinal);
        Assert.Equal("[]", after);
    }

    [Fact]
    public async Task ReplayId_KeepsLetterAndCountsAttempt_WhenPeerFails()
    {
        await using var sink = HttpSink.Start();
        sink.Script(500);
        var storage = await StorageWithLetterAsync(sink.Url);
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Config(sink.Url), storage);
        var token = await TestTokens.CreateAsync(guardia, "oncall", "responder");
        guardia.Http.DefaultRequestHeaders.Authorization = new("Bearer", token);

        var (code, stdout, _) = await Binaries.RunGuardiaAsync("notifications", "replay", "--id", "dl-1", "--url", guardia.Url, "--token", token);
        var after = JsonDocument.Parse(await guardia.Http.GetStringAsync("/api/v1/dead-letters", TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal(1, code);
        Assert.Contains("0 delivered, 1 failed", stdout, StringComparison.Ordinal);
        Assert.Equal(11, after[0].GetProperty("attempts").GetInt32());
        Assert.StartsWith("channel \"#alerts-critical\": unexpected status code 500", after[0].GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayId_DeliversWebhookLetter_AsTheDispatcherWould()
    {
        await using var sink = HttpSink.Start();
        var storage = await StorageWithLetterAsync(sink.Url, "team-hooks", "webhook");
        await using var guardia = await AlertApiServer.StartGuardiaAsync(Config(sink.Url), storage);
        var token = await TestTokens.CreateAsync(guardia, "oncall", "responder");
        guardia.Http.DefaultRequestHeaders.Authorization = new("Bearer", token);

        var (code, stdout, stderr) = await Binaries.RunGuardiaAsync("notifications", "replay", "--id", "dl-1", "--url", guardia.Url, "--token", token);
        var after = await guardia.Http.GetStringAsync("/api/v1/dead-letters", TestContext.Current.CancellationToken);

        Assert.True(code == 0, stdout + stderr);
        var sent = Assert.Single(sink.Requests);
        Assert.Equal("/hook", sent.Path);
        var body = JsonDocument.Parse(sent.Body).RootElement;
        Assert.Equal("team-hooks", body.GetProperty("receiver").GetString());
        Assert.Equal("{}:{alertname=\"HighErrorRate\"}", body.GetProperty("groupKey").GetString());
        Assert.Equal("http://127.0.0.1:9093", body.GetProperty("externalURL").GetString());
        Assert.Equal("[]", after);
    }

    [Fact]
    public async Task Replay_AnswersNotFound_WhenIdIsUnknown()
    {
        await using var guardia = await AlertApiServer.StartGuardiaAsync();
        guardia.Http.DefaultRequestHeaders.Authorization = new("Bearer", await TestTokens.CreateAsync(guardia, "oncall", "responder"));

        using var response = await guardia.Http.PostAsync("/api/v1/dead-letters/nope/replay", null, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Replay_IsRefused_WhenCliHasNoToken()
    {
        await using var guardia = await AlertApiServer.StartGuardiaAsync();

        var (code, _, stderr) = await Binaries.RunGuardiaAsync("notifications", "list", "--url", guardia.Url);

        Assert.Equal(1, code);
        Assert.Contains("answered 401", stderr, StringComparison.Ordinal);
    }
}
