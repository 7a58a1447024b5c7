using Guardia.Core.Configuration;
using Guardia.Core.Notify;
using Guardia.Integrations.Notifiers;
using Guardia.Integrations.Tests.RunbookActions;
using static Guardia.Integrations.Tests.Notifiers.NotifierTestData;

namespace Guardia.Integrations.Tests.Notifiers;

/// <summary>One place builds a receiver's integrations: Alertmanager's order and indexes, one HTTP client per http_config.</summary>
public sealed class ReceiverIntegrationsTests
{
    const string Every = """
        route:
          receiver: every
        receivers:
          - name: every
            msteams_configs:
              - webhook_url: 'http://127.0.0.1:1/teams'
            slack_configs:
              - api_url: 'http://127.0.0.1:1/slack'
                send_resolved: true
            pagerduty_configs:
              - routing_key: 'rk-0'
              - routing_key: 'rk-1'
                send_resolved: false
            email_configs:
              - to: 'oncall@example.org'
                from: 'am@example.org'
                smarthost: '127.0.0.1:1'
            webhook_configs:
              - url: 'http://127.0.0.1:1/a'
              - url: 'http://127.0.0.1:1/b'
                send_resolved: false
            opsgenie_configs:
              - api_key: 'k'
          - name: empty
        """;

    static AlertmanagerConfig Load(string yaml) => AlertmanagerConfigLoader.Load(yaml, "receivers.yml");

    /// <summary>A configuration whose only receiver, <c>r</c>, has <paramref name="integrations"/> (indented as its keys).</summary>
    static AlertmanagerConfig OneReceiver(string integrations) =>
        Load("route:\n  receiver: r\nreceivers:\n  - name: r\n" + integrations + "\n");

    [Fact]
    public void For_ListsIntegrations_InAlertmanagersOrderWithIndexPerKind()
    {
        var receiver = Load(Every).Receivers.Single(r => r.Name == "every");

        var integrations = ReceiverIntegrations.For(receiver, Context, _ => new HttpClient());

        // The YAML lists the kinds backwards: the order comes from Alertmanager's builder, not from the file.
        Assert.Equal(
            ["webhook[0]", "webhook[1]", "email[0]", "pagerduty[0]", "pagerduty[1]", "slack[0]", "msteams[0]"],
            integrations.Select(i => i.ToString()));
        Assert.Equal([true, false, false, true, false, true, true], integrations.Select(i => i.SendResolved));
    }

    [Fact]
    public void Build_ReportsUnsupportedKinds_AndBuildsEveryReceiver()
    {
        using var built = ReceiverIntegrations.Build(Load(Every), Context);

        Assert.Equal(["every: opsgenie_configs"], built.Unsupported);
        Assert.Equal(7, built.ByReceiver["every"].Count);
        Assert.Empty(built.ByReceiver["empty"]);
    }

    [Fact]
    public void For_AsksOneClientPerHttpIntegration_ByItsHttpConfig()
    {
        var receiver = Load(Every).Receivers.Single(r => r.Name == "every");
        var asked = new List<HttpClientConfig>();

        ReceiverIntegrations.For(receiver, Context, c =>
        {
            asked.Add(c);
            return new HttpClient();
        });

        // Two webhooks, two PagerDuty, one Slack, one MS Teams; e-mail speaks SMTP.
        Assert.Equal(6, asked.Count);
        Assert.Same(receiver.WebhookConfigs[1].HttpConfig, asked[1]);
        Assert.Same(receiver.MSTeamsConfigs[0].HttpConfig, asked[^1]);
    }

    /// <summary>Receiver <c>r</c> with a webhook and a Slack integration posting to <paramref name="sink"/>, each with its own bearer token.</summary>
    static AlertmanagerConfig HookAndSlack(LoopbackHttpServer sink) => OneReceiver($$"""
                webhook_configs:
                  - url: '{{sink.BaseUrl}}/hook'
                    http_config:
                      bearer_token: 'hook-token'
                slack_configs:
                  - api_url: '{{sink.BaseUrl}}/slack'
                    channel: '#ops'
                    http_config:
                      bearer_token: 'slack-token'
            """);

    [Fact]
    public async Task Integrations_DeliverThroughTheirOwnedClients_WebhookAndSlackAlike()
    {
        await using var sink = new LoopbackHttpServer(_ => (200, "ok"));
        var request = Request();
        using var built = ReceiverIntegrations.Build(HookAndSlack(sink), Context);

        var results = new List<NotifyResult>();
        foreach (var integration in built.ByReceiver["r"])
        {
            results.Add(await integration.NotifyAsync(request.Flush, request.Alerts, TestContext.Current.CancellationToken));
        }

        Assert.All(results, r => Assert.True(r.Success, r.Error));
        Assert.All(results, r => Assert.Equal(200, r.StatusCode));
        var received = sink.Requests.ToArray();
        Assert.Equal(["/hook", "/slack"], received.Select(r => r.RawUrl));
        Assert.Equal(["Bearer hook-token", "Bearer slack-token"], received.Select(r => r.Headers["Authorization"]));
        Assert.Contains("\"externalURL\":\"http://guardia:9093\"", received[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_DisposesTheClients_ItsIntegrationsSendWith()
    {
        await using var sink = new LoopbackHttpServer(_ => (200, "ok"));
        var request = Request();
        var built = ReceiverIntegrations.Build(HookAndSlack(sink), Context);

        built.Dispose();

        foreach (var integration in built.ByReceiver["r"])
        {
            await Assert.ThrowsAsync<ObjectDisposedException>(() => integration.NotifyAsync(request.Flush, request.Alerts, TestContext.Current.CancellationToken));
        }
        Assert.Empty(sink.Requests);
    }
}
