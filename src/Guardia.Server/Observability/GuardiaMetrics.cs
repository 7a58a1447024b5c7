using Prometheus;

namespace Guardia.Server.Observability;

/// <summary>Guardia's own metrics, exposed at <c>/metrics</c> in the Prometheus text format.</summary>
sealed class GuardiaMetrics
{
    public Counter AlertsReceived { get; } = Metrics.CreateCounter(
        "guardia_alerts_received_total", "Alerts received through the API, by status at receipt.", "status");

    public Counter AlertsInvalid { get; } = Metrics.CreateCounter(
        "guardia_alerts_invalid_total", "Alerts rejected by validation (the valid alerts of the same request are kept).");

    public Counter RequestsRejected { get; } = Metrics.CreateCounter(
        "guardia_alert_requests_rejected_total", "Alert requests refused whole, by reason.", "reason");

    public Counter AlertsCollected { get; } = Metrics.CreateCounter(
        "guardia_alerts_collected_total", "Resolved alerts removed after the retention period.");

    public Gauge Alerts { get; } = Metrics.CreateGauge(
        "guardia_alerts", "Alerts held, by state.", "state");

    public Gauge Silences { get; } = Metrics.CreateGauge(
        "guardia_silences", "Silences held, by state (Alertmanager's alertmanager_silences).", "state");

    public Counter SilencesCollected { get; } = Metrics.CreateCounter(
        "guardia_silences_collected_total", "Expired silences removed after the retention period.");

    public Histogram StoreCommitSeconds { get; } = Metrics.CreateHistogram(
        "guardia_store_commit_duration_seconds", "Time to commit one group-commit transaction, fsync included.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });

    public Histogram StoreCommitRows { get; } = Metrics.CreateHistogram(
        "guardia_store_commit_rows", "Rows written per group-commit transaction.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 4, 9) });
}
