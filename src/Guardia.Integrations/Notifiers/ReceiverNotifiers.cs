using Guardia.Core.Configuration;
using Guardia.Core.Templating.Alertmanager;
using Guardia.Integrations.Notifiers.Email;
using Guardia.Integrations.Notifiers.MSTeams;
using Guardia.Integrations.Notifiers.PagerDuty;
using Guardia.Integrations.Notifiers.Slack;

namespace Guardia.Integrations.Notifiers;

/// <summary>Builds the notifiers of a receiver, in Alertmanager's integration order (webhook excluded: the pipeline adds its own).</summary>
public static class ReceiverNotifiers
{
    /// <summary>The Slack, PagerDuty, e-mail and MS Teams notifiers configured for <paramref name="receiver"/>, all sending with <paramref name="http"/>.</summary>
    public static IReadOnlyList<INotifier> Create(ReceiverConfig receiver, NotificationTemplates templates, HttpClient http, TimeProvider time) =>
        Create(receiver, templates, _ => http, time);

    /// <summary>The Slack, PagerDuty, e-mail and MS Teams notifiers configured for <paramref name="receiver"/>, each sending with the client for its <c>http_config</c> (see <see cref="NotifierHttpClients"/>).</summary>
    public static IReadOnlyList<INotifier> Create(ReceiverConfig receiver, NotificationTemplates templates, Func<HttpClientConfig, HttpClient> clients, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(receiver);
        var list = new List<INotifier>();
        for (var i = 0; i < receiver.EmailConfigs.Count; i++)
        {
            list.Add(new EmailNotifier(receiver.EmailConfigs[i], i, templates, time));
        }
        for (var i = 0; i < receiver.PagerDutyConfigs.Count; i++)
        {
            list.Add(new PagerDutyNotifier(receiver.PagerDutyConfigs[i], i, templates, clients(receiver.PagerDutyConfigs[i].HttpConfig), time));
        }
        for (var i = 0; i < receiver.SlackConfigs.Count; i++)
        {
            list.Add(new SlackNotifier(receiver.SlackConfigs[i], i, templates, clients(receiver.SlackConfigs[i].HttpConfig), time));
        }
        for (var i = 0; i < receiver.MSTeamsConfigs.Count; i++)
        {
            list.Add(new MSTeamsNotifier(receiver.MSTeamsConfigs[i], i, templates, clients(receiver.MSTeamsConfigs[i].HttpConfig), time));
        }
        return list;
    }
}
