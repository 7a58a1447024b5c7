using Guardia.Core.Incidents;
using Prometheus;

namespace Guardia.Server.Observability;

/// <summary>Incident and paging metrics, so Guardia itself can be watched and alerted on: open incidents by severity
/// and status, incidents opened, pages by reason and outcome, and how long a page took from being decided to being
/// delivered or failing.</summary>
sealed class IncidentMetrics
{
    static readonly string[] Outcomes = ["delivered", "failed"];

    readonly Gauge _open = Metrics.CreateGauge(
        "guardia_incidents_open", "Open incidents (triggered, acknowledged or mitigated), by severity and status.", "severity", "status");

    readonly Counter _opened = Metrics.CreateCounter(
        "guardia_incidents_opened_total", "Incidents opened, by incident policy or by hand, by severity.", "severity");

    readonly Counter _pages = Metrics.CreateCounter(
        "guardia_pages_total", "Pages to people, by reason (escalation, escalate_now, reassigned, responder, reminder) and outcome (delivered, failed).", "reason", "outcome");

    readonly Histogram _delay = Metrics.CreateHistogram(
        "guardia_page_delay_seconds", "Time from the moment a page was decided (escalation step, reminder, action) to its outcome, contact methods included.",
        new HistogramConfiguration { LabelNames = ["outcome"], Buckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    public IncidentMetrics()
    {
        // Every series exists from the start, so rate() and absent() work before the first incident.
        foreach (var severity in Enum.GetValues<Severity>())
        {
            _opened.WithLabels(severity.ToString());
            foreach (var status in OpenStatuses)
            {
                _open.WithLabels(severity.ToString(), Label(status)).Set(0);
            }
        }
        foreach (var reason in Enum.GetValues<PageReason>())
        {
            foreach (var outcome in Outcomes)
            {
                _pages.WithLabels(Label(reason), outcome);
            }
        }
        foreach (var outcome in Outcomes)
        {
            _delay.WithLabels(outcome);
        }
    }

    static IncidentStatus[] OpenStatuses => [IncidentStatus.Triggered, IncidentStatus.Acknowledged, IncidentStatus.Mitigated];

    /// <summary>Counts an incident that just opened.</summary>
    public void Opened(Incident incident) => _opened.WithLabels(incident.Severity.ToString()).Inc();

    /// <summary>Counts a page and observes its delay.</summary>
    public void Paged(PageReason reason, bool delivered, TimeSpan delay)
    {
        var outcome = delivered ? Outcomes[0] : Outcomes[1];
        _pages.WithLabels(Label(reason), outcome).Inc();
        _delay.WithLabels(outcome).Observe(Math.Max(0, delay.TotalSeconds));
    }

    /// <summary>Sets the open-incident gauge from the engine's open incidents (called before each scrape).</summary>
    public void Refresh(IReadOnlyCollection<Incident> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        foreach (var severity in Enum.GetValues<Severity>())
        {
            foreach (var status in OpenStatuses)
            {
                _open.WithLabels(severity.ToString(), Label(status)).Set(open.Count(i => i.Severity == severity && i.Status == status));
            }
        }
    }

    static string Label(IncidentStatus status) => status.ToString().ToLowerInvariant();

    static string Label(PageReason reason) => reason switch
    {
        PageReason.EscalateNow => "escalate_now",
        _ => reason.ToString().ToLowerInvariant(),
    };
}
