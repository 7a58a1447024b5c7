using Guardia.Core.Configuration;
using Guardia.Core.Notify;
using Guardia.Integrations.Notifiers.Email;
using Guardia.Integrations.Notifiers.MSTeams;
using Guardia.Integrations.Notifiers.PagerDuty;
using Guardia.Integrations.Notifiers.Slack;
using Guardia.Integrations.Notifiers.Webhook;

namespace Guardia.Integrations.Notifiers;

/// <summary>The integrations of every receiver of a configuration, with the HTTP clients they send with: one per
/// distinct <c>http_config</c>, owned here and disposed with the integrations.</summary>
public sealed class ReceiverIntegrations : IDisposable
{
    readonly NotifierHttpClients _clients = new();

    ReceiverIntegrations()
    {
    }

    /// <summary>The integrations by receiver name, in Alertmanager's integration order (see <see cref="For"/>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Integration>> ByReceiver { get; private init; } = new Dictionary<string, IReadOnlyList<Integration>>();

    /// <summary>The integration kinds a receiver configures that this build cannot send to yet, as <c>receiver: kind</c>.</summary>
    public IReadOnlyList<string> Unsupported { get; private init; } = [];

    /// <summary>Builds the integrations of every receiver of <paramref name="config"/>.</summary>
    public static ReceiverIntegrations Build(AlertmanagerConfig config, NotifierContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        var byReceiver = new Dictionary<string, IReadOnlyList<Integration>>(StringComparer.Ordinal);
        var unsupported = new List<string>();
        var result = new ReceiverIntegrations { ByReceiver = byReceiver, Unsupported = unsupported };
        foreach (var receiver in config.Receivers)
        {
            byReceiver[receiver.Name] = For(receiver, context, result._clients.For);
            foreach (var u in receiver.Unsupported)
            {
                if (u.Count > 0)
                {
                    unsupported.Add($"{receiver.Name}: {u.Kind}");
                }
            }
        }
        return result;
    }

    /// <summary>
    /// The integrations of <paramref name="receiver"/> in Alertmanager's order (webhook, email, pagerduty, slack,
    /// msteams), each indexed by its position among the receiver's entries of its kind: the order and indexes
    /// name dead letters and label metrics. Each sends with the client <paramref name="clients"/> gives for its
    /// <c>http_config</c>; the caller owns those clients.
    /// </summary>
    public static IReadOnlyList<Integration> For(ReceiverConfig receiver, NotifierContext context, Func<HttpClientConfig, HttpClient> clients)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(clients);
        var list = new List<Integration>();
        for (var i = 0; i < receiver.WebhookConfigs.Count; i++)
        {
            var c = receiver.WebhookConfigs[i];
            list.Add(new Integration(new WebhookNotifier(c, clients(c.HttpConfig), context.ExternalUrl), "webhook", i, c.SendResolved));
        }
        for (var i = 0; i < receiver.EmailConfigs.Count; i++)
        {
            var c = receiver.EmailConfigs[i];
            list.Add(new Integration(new EmailNotifier(c, context), "email", i, c.SendResolved));
        }
        for (var i = 0; i < receiver.PagerDutyConfigs.Count; i++)
        {
            var c = receiver.PagerDutyConfigs[i];
            list.Add(new Integration(new PagerDutyNotifier(c, context, clients(c.HttpConfig)), "pagerduty", i, c.SendResolved));
        }
        for (var i = 0; i < receiver.SlackConfigs.Count; i++)
        {
            var c = receiver.SlackConfigs[i];
            list.Add(new Integration(new SlackNotifier(c, context, clients(c.HttpConfig)), "slack", i, c.SendResolved));
        }
        for (var i = 0; i < receiver.MSTeamsConfigs.Count; i++)
        {
            var c = receiver.MSTeamsConfigs[i];
            list.Add(new Integration(new MSTeamsNotifier(c, context, clients(c.HttpConfig)), "msteams", i, c.SendResolved));
        }
        return list;
    }

    /// <summary>Disposes the HTTP clients.</summary>
    public void Dispose() => _clients.Dispose();
}
