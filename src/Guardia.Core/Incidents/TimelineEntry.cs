namespace Guardia.Core.Incidents;

/// <summary>What a timeline entry records.</summary>
public enum TimelineKind
{
    /// <summary>The incident was opened.</summary>
    Created = 0,

    /// <summary>An alert was attached.</summary>
    AlertAttached = 1,

    /// <summary>Acknowledged.</summary>
    Acknowledged = 2,

    /// <summary>An escalation level fired (by timeout or escalate-now).</summary>
    Escalated = 3,

    /// <summary>The escalation ran out of levels and repeats and stopped.</summary>
    EscalationStopped = 4,

    /// <summary>Reassigned to another user.</summary>
    Reassigned = 5,

    /// <summary>A responder was added.</summary>
    ResponderAdded = 6,

    /// <summary>A war-room role was set or cleared.</summary>
    RoleSet = 7,

    /// <summary>The severity changed.</summary>
    SeverityChanged = 8,

    /// <summary>A free-text note.</summary>
    Note = 9,

    /// <summary>A status update for stakeholders.</summary>
    StatusUpdate = 10,

    /// <summary>Mitigated.</summary>
    Mitigated = 11,

    /// <summary>Resolved (by a person or because all alerts resolved).</summary>
    Resolved = 12,

    /// <summary>Closed.</summary>
    Closed = 13,

    /// <summary>Reopened.</summary>
    Reopened = 14,

    /// <summary>A page was delivered to the pager.</summary>
    PageDelivered = 15,

    /// <summary>A page could not be delivered.</summary>
    PageFailed = 16,

    /// <summary>A status-update reminder was due.</summary>
    Reminder = 17,

    /// <summary>The response target passed without acknowledgement.</summary>
    ResponseTargetBreached = 18,

    /// <summary>A notification about the incident's alerts was sent (recorded by the integrator).</summary>
    NotificationSent = 19,
}

/// <summary>One entry of an incident's timeline: who, when, what (kind, text and structured data).</summary>
/// <param name="IncidentId">The incident.</param>
/// <param name="At">When it happened.</param>
/// <param name="Actor">A user id, <c>system</c> or an API token name.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Text">A human-readable sentence.</param>
/// <param name="Data">Structured details (user, level, severity, fingerprint...).</param>
public sealed record TimelineEntry(string IncidentId, DateTimeOffset At, string Actor, TimelineKind Kind, string Text, IReadOnlyDictionary<string, string> Data)
{
    /// <summary>An entry with no structured data.</summary>
    public TimelineEntry(string incidentId, DateTimeOffset at, string actor, TimelineKind kind, string text)
        : this(incidentId, at, actor, kind, text, EmptyData)
    {
    }

    static readonly Dictionary<string, string> EmptyData = new(StringComparer.Ordinal);
}
