using Guardia.Core.Alerts;

namespace Guardia.Core.Incidents;

/// <summary>What the dispatcher reports for one aggregation group on each flush: its key, receiver, labels and current alerts.</summary>
/// <param name="GroupKey">The aggregation group key (route and group labels).</param>
/// <param name="Receiver">The receiver the group is routed to.</param>
/// <param name="GroupLabels">The group's labels (the <c>group_by</c> labels).</param>
/// <param name="Alerts">The group's current alerts, firing and resolved.</param>
public sealed record GroupObservation(string GroupKey, string Receiver, LabelSet GroupLabels, IReadOnlyList<Alert> Alerts);

/// <summary>A manual incident: what a person fills in.</summary>
public sealed record IncidentDraft
{
    /// <summary>A one-line description; required.</summary>
    public required string Title { get; init; }

    /// <summary>The severity.</summary>
    public Severity Severity { get; init; } = Severity.P3;

    /// <summary>The affected service, or null.</summary>
    public string? Service { get; init; }

    /// <summary>The escalation policy that pages for it, or null to page nobody.</summary>
    public string? EscalationPolicy { get; init; }

    /// <summary>The owner, or null.</summary>
    public string? Assignee { get; init; }
}
