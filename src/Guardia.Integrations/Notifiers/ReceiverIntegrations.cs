using Guardia.Core.Configuration;
using Guardia.Core.Notify;
using Guardia.Integrations.Notifiers.Webhook;

namespace Guardia.Integrations.Notifiers;

/// <summary>The integrations of every receiver of a configuration, with the HTTP clients they own.</summary>
public sealed class ReceiverIntegrations : IDisposable
{
    readonly List<HttpClient> _clients = [];

    ReceiverIntegrations()
    {
    }

    /// <summary>The integrations by receiver name, in configuration order within each kind.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Integration>> ByReceiver { get; private init; } = new Dictionary<string, IReadOnlyList<Integration>>();

    /// <summary>The integration kinds a receiver configures that this build cannot send to yet, per receiver.</summary>
    public IReadOnlyList<string> Unsupported { get; private init; } = [];

    /// <summary>Builds the integrations of <paramref name="config"/>; <paramref name="externalUrl"/> goes into every message.</summary>
    /// <param name="config">The configuration whose receivers to build.</param>
    /// <param name="externalUrl">Guardia's external URL.</param>
    /// <param name="others">Builds a receiver's Slack, PagerDuty, e-mail and MS Teams notifiers; without it those
    /// integrations are reported as unsupported.</param>
    public static ReceiverIntegrations Build(AlertmanagerConfig config, string externalUrl, Func<ReceiverConfig, IReadOnlyList<INotifier>>? others = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var byReceiver = new Dictionary<string, IReadOnlyList<Integration>>(StringComparer.Ordinal);
        var unsupported = new List<string>();
        var result = new ReceiverIntegrations { ByReceiver = byReceiver, Unsupported = unsupported };
        foreach (var receiver in config.Receivers)
        {
            var list = new List<Integration>();
            for (var i = 0; i < receiver.WebhookConfigs.Count; i++)
            {
                var wc = receiver.WebhookConfigs[i];
                var client = new HttpClient(WebhookNotifier.CreateHandler(wc.HttpConfig)) { Timeout = Timeout.InfiniteTimeSpan };
                result._clients.Add(client);
                list.Add(new Integration(new WebhookNotifier(wc, client, externalUrl), "webhook", i, wc.SendResolved));
            }
            if (others is null)
            {
                Note(unsupported, receiver.Name, "slack_configs", receiver.SlackConfigs.Count);
                Note(unsupported, receiver.Name, "pagerduty_configs", receiver.PagerDutyConfigs.Count);
                Note(unsupported, receiver.Name, "email_configs", receiver.EmailConfigs.Count);
                Note(unsupported, receiver.Name, "msteams_configs", receiver.MSTeamsConfigs.Count);
            }
            else
            {
                foreach (var notifier in others(receiver))
                {
                    list.Add(new Integration(new PipelineNotifier(notifier, externalUrl), notifier.Integration, notifier.Index, notifier.SendResolved));
                }
            }
            foreach (var u in receiver.Unsupported)
            {
                Note(unsupported, receiver.Name, u.Kind, u.Count);
            }
            byReceiver[receiver.Name] = list;
        }
        return result;
    }

    static void Note(List<string> unsupported, string receiver, string kind, int count)
    {
        if (count > 0)
        {
            unsupported.Add($"{receiver}: {kind}");
        }
    }

    /// <summary>Disposes the HTTP clients.</summary>
    public void Dispose()
    {
        foreach (var c in _clients)
        {
            c.Dispose();
        }
    }
}
