using Guardia.Core.Alerts;
using Guardia.Core.Notify;
using Guardia.Core.Templating.Alertmanager;

namespace Guardia.Integrations.Notifiers;

/// <summary>What the notifiers of one configuration share: the notification templates, the URL Guardia is reachable at, and the clock.</summary>
/// <param name="Templates">The templates messages are rendered with.</param>
/// <param name="ExternalUrl">Guardia's external URL, which goes into every message.</param>
/// <param name="Time">The clock attempt timeouts run on.</param>
public sealed record NotifierContext(NotificationTemplates Templates, string ExternalUrl, TimeProvider Time)
{
    /// <summary>The data templates see for <paramref name="alerts"/> of <paramref name="flush"/>, as Alertmanager builds it.</summary>
    public TemplateData DataFor(Flush flush, IReadOnlyList<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(flush);
        return TemplateData.Create(flush.Receiver, flush.GroupLabels, alerts, ExternalUrl, flush.Now);
    }

    /// <summary>Renders the fields of one notification of <paramref name="alerts"/> of <paramref name="flush"/>.</summary>
    public TemplateText TextFor(Flush flush, IReadOnlyList<Alert> alerts) => new(Templates, DataFor(flush, alerts));
}
