using Guardia.Core.Alerts;
using Guardia.Core.Notify;
using Guardia.Core.Routing;
using Guardia.Core.Templating.Alertmanager;
using Guardia.Integrations.Notifiers;
using Microsoft.Extensions.Time.Testing;

namespace Guardia.Integrations.Tests.Notifiers;

/// <summary>A fixed group of alerts and the templates to render it.</summary>
static class NotifierTestData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);

    public static readonly NotificationTemplates Templates = NotificationTemplates.Create([], new FakeTimeProvider(Now));

    public const string GroupKey = "{}/{severity=\"critical\"}:{alertname=\"HighErrorRate\", cluster=\"prod\", service=\"checkout\"}";

    public static readonly NotifierContext Context = new(Templates, "http://guardia:9093", new FakeTimeProvider(Now));

    /// <summary>One notification of a group as the pipeline hands it to a notifier.</summary>
    public sealed record Notification(Flush Flush, IReadOnlyList<Alert> Alerts)
    {
        public string GroupKey => Flush.GroupKey;

        public TemplateData ToTemplateData() => Context.DataFor(Flush, Alerts);
    }

    public static Notification Request(bool resolved = false, int count = 2, string receiver = "slack-critical")
    {
        var alerts = new List<Alert>();
        for (var i = 1; i <= count; i++)
        {
            alerts.Add(new Alert
            {
                Labels = LabelSet.Of(("alertname", "HighErrorRate"), ("cluster", "prod"), ("service", "checkout"), ("severity", "critical"), ("instance", $"checkout-{i}")),
                Annotations = LabelSet.Of(("description", $"5xx en checkout-{i}"), ("summary", "Errores")),
                StartsAt = Now.AddMinutes(-10),
                EndsAt = resolved ? Now.AddMinutes(-1) : Now.AddMinutes(5),
                GeneratorUrl = "http://prometheus:9090/graph",
            });
        }
        var groupLabels = LabelSet.Of(("alertname", "HighErrorRate"), ("cluster", "prod"), ("service", "checkout"));
        return new Notification(new Flush(GroupKey, receiver, groupLabels, Now, new RouteOptions { Receiver = receiver }), alerts);
    }

    public static TemplateText Text(Notification request) => Context.TextFor(request.Flush, request.Alerts);
}
