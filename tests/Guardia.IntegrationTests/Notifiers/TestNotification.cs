using Guardia.Core.Alerts;
using Guardia.Core.Notify;
using Guardia.Core.Routing;
using Guardia.Core.Templating.Alertmanager;
using Guardia.Integrations.Notifiers;

namespace Guardia.IntegrationTests.Notifiers;

/// <summary>One notification of a group as the pipeline hands it to a notifier, with the context notifiers render it in.</summary>
sealed record TestNotification(Flush Flush, IReadOnlyList<Alert> Alerts, NotifierContext Context)
{
    public string GroupKey => Flush.GroupKey;

    public DateTimeOffset Now => Flush.Now;

    public static TestNotification Of(string receiver, string groupKey, LabelSet groupLabels, IReadOnlyList<Alert> alerts, string externalUrl, DateTimeOffset now) =>
        new(new Flush(groupKey, receiver, groupLabels, now, new RouteOptions { Receiver = receiver }), alerts,
            new NotifierContext(NotificationTemplates.Create([], TimeProvider.System), externalUrl, TimeProvider.System));

    public TemplateData ToTemplateData() => Context.DataFor(Flush, Alerts);
}

static class TestNotificationExtensions
{
    /// <summary>Sends <paramref name="notification"/> through <paramref name="notifier"/> once.</summary>
    public static Task<NotifyResult> NotifyAsync(this INotifier notifier, TestNotification notification, CancellationToken ct) =>
        notifier.NotifyAsync(notification.Flush, notification.Alerts, ct);
}
