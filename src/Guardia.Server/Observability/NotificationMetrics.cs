using Guardia.Core.Notify;
using Prometheus;

namespace Guardia.Server.Observability;

/// <summary>Per-integration delivery metrics, named as Alertmanager's with Guardia's prefix.</summary>
sealed class NotificationMetrics : INotificationMetrics
{
    readonly Counter _total = Metrics.CreateCounter(
        "guardia_notifications_total", "Delivery attempts, by integration.", "integration");

    readonly Counter _failed = Metrics.CreateCounter(
        "guardia_notifications_failed_total", "Failed delivery attempts, by integration.", "integration");

    readonly Histogram _latency = Metrics.CreateHistogram(
        "guardia_notification_latency_seconds", "Time one delivery attempt took, by integration.",
        new HistogramConfiguration { LabelNames = ["integration"], Buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20] });

    public NotificationMetrics()
    {
        // Alertmanager exports the counters of every integration kind from the start.
        _total.WithLabels("webhook");
        _failed.WithLabels("webhook");
    }

    public void Attempted(string integration, TimeSpan latency, bool failed)
    {
        _total.WithLabels(integration).Inc();
        _latency.WithLabels(integration).Observe(latency.TotalSeconds);
        if (failed)
        {
            _failed.WithLabels(integration).Inc();
        }
    }
}
