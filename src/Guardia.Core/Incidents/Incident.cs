using Guardia.Core.Alerts;

namespace Guardia.Core.Incidents;

/// <summary>Where an incident's escalation is: the level and pass paged last, and when the next step is due.</summary>
/// <param name="Level">The 0-based level paged last.</param>
/// <param name="Repeat">The 0-based pass through the levels (0 is the first run, 1 the first repeat).</param>
/// <param name="Cycle">Increases on every reopen, so the pages of a new run get new ids.</param>
/// <param name="NextDueAt">When the next level fires if nobody acknowledges; null when escalation is not running.</param>
/// <param name="Exhausted">True when the last level of the last pass timed out and escalation stopped.</param>
public sealed record EscalationState(int Level, int Repeat, int Cycle, DateTimeOffset? NextDueAt, bool Exhausted)
{
    /// <summary>No escalation has run.</summary>
    public static EscalationState None { get; } = new(0, 0, 0, null, false);
}

/// <summary>One incident: an immutable snapshot; every change makes a new one through the methods that enforce the lifecycle.</summary>
public sealed record Incident
{
    /// <summary>The id shown to people, <c>INC-42</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The sequence number the id is made from.</summary>
    public required long Number { get; init; }

    /// <summary>A one-line description.</summary>
    public required string Title { get; init; }

    /// <summary>The current severity.</summary>
    public Severity Severity { get; init; } = Severity.P3;

    /// <summary>The lifecycle status.</summary>
    public IncidentStatus Status { get; init; }

    /// <summary>The incident policy that opened it, or null for a manual incident.</summary>
    public string? Policy { get; init; }

    /// <summary>The escalation policy that pages for it, or null when nobody is paged automatically.</summary>
    public string? EscalationPolicy { get; init; }

    /// <summary>The aggregation group that opened it, or null for a manual incident.</summary>
    public string? GroupKey { get; init; }

    /// <summary>The affected service (the <c>service</c> label when opened from alerts), or null.</summary>
    public string? Service { get; init; }

    /// <summary>Who opened it: a user id, <c>system</c> or a token name.</summary>
    public string CreatedBy { get; init; } = Actors.System;

    /// <summary>When it was opened (or reopened last).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was acknowledged, or null.</summary>
    public DateTimeOffset? AcknowledgedAt { get; init; }

    /// <summary>Who acknowledged it, or null.</summary>
    public string? AcknowledgedBy { get; init; }

    /// <summary>When it was mitigated, or null.</summary>
    public DateTimeOffset? MitigatedAt { get; init; }

    /// <summary>When it was resolved, or null.</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>When it was closed, or null.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>The user who owns it, or null.</summary>
    public string? Assignee { get; init; }

    /// <summary>Users added to the response, in the order they were added.</summary>
    public IReadOnlyList<string> Responders { get; init; } = [];

    /// <summary>War-room roles and who holds them.</summary>
    public IReadOnlyDictionary<IncidentRole, string> Roles { get; init; } = new Dictionary<IncidentRole, string>();

    /// <summary>Fingerprints of the alerts attached, in the order they were attached.</summary>
    public IReadOnlyList<Fingerprint> Alerts { get; init; } = [];

    /// <summary>The escalation state, persisted so that a restart continues where it was.</summary>
    public EscalationState Escalation { get; init; } = EscalationState.None;

    /// <summary>When the next status-update reminder is due, or null when none is.</summary>
    public DateTimeOffset? ReminderDueAt { get; init; }

    /// <summary>How many status-update reminders were sent.</summary>
    public int Reminders { get; init; }

    /// <summary>How many times it was reassigned (keeps reassignment page ids unique).</summary>
    public int Reassignments { get; init; }

    /// <summary>When the response target runs out: <see cref="CreatedAt"/> plus the target of the severity.</summary>
    public DateTimeOffset ResponseDueAt { get; init; }

    /// <summary>True when it was not acknowledged within the response target.</summary>
    public bool ResponseTargetBreached { get; init; }

    /// <summary>True while triggered, acknowledged or mitigated.</summary>
    public bool IsOpen => Status is IncidentStatus.Triggered or IncidentStatus.Acknowledged or IncidentStatus.Mitigated;

    /// <summary>Time from opening to acknowledgement, or null.</summary>
    public TimeSpan? TimeToAcknowledge => AcknowledgedAt - CreatedAt;

    /// <summary>Time from opening to mitigation, or null.</summary>
    public TimeSpan? TimeToMitigate => MitigatedAt - CreatedAt;

    /// <summary>Time from opening to resolution, or null.</summary>
    public TimeSpan? TimeToResolve => ResolvedAt - CreatedAt;

    /// <summary>The earliest instant something is due for this incident (escalation, reminder, response target), or null.</summary>
    public DateTimeOffset? NextDueAt
    {
        get
        {
            if (!IsOpen)
            {
                return null;
            }
            var due = Escalation.NextDueAt;
            if (ReminderDueAt is { } r && (due is null || r < due))
            {
                due = r;
            }
            if (Status == IncidentStatus.Triggered && !ResponseTargetBreached && (due is null || ResponseDueAt < due))
            {
                due = ResponseDueAt;
            }
            return due;
        }
    }

    /// <summary>The id for sequence number <paramref name="number"/>.</summary>
    public static string IdFor(long number) => "INC-" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Acknowledged by <paramref name="by"/>: escalation stops; the acknowledger becomes the assignee when there is none.</summary>
    /// <exception cref="IncidentException">The incident is not triggered.</exception>
    public Incident Acknowledge(string by, DateTimeOffset now)
    {
        Require(Status == IncidentStatus.Triggered, "acknowledge", "only a triggered incident can be acknowledged");
        return this with
        {
            Status = IncidentStatus.Acknowledged,
            AcknowledgedAt = now,
            AcknowledgedBy = by,
            Assignee = Assignee ?? by,
            Escalation = Escalation with { NextDueAt = null },
            ResponseTargetBreached = ResponseTargetBreached || now >= ResponseDueAt,
        };
    }

    /// <summary>Mitigated: the impact stopped; escalation stops.</summary>
    /// <exception cref="IncidentException">The incident is not triggered or acknowledged.</exception>
    public Incident Mitigate(DateTimeOffset now)
    {
        Require(Status is IncidentStatus.Triggered or IncidentStatus.Acknowledged, "mitigate", "only a triggered or acknowledged incident can be mitigated");
        return this with
        {
            Status = IncidentStatus.Mitigated,
            MitigatedAt = now,
            Escalation = Escalation with { NextDueAt = null },
            ResponseTargetBreached = ResponseTargetBreached || (AcknowledgedAt is null && now >= ResponseDueAt),
        };
    }

    /// <summary>Resolved: escalation and reminders stop.</summary>
    /// <exception cref="IncidentException">The incident is not open.</exception>
    public Incident Resolve(DateTimeOffset now)
    {
        Require(IsOpen, "resolve", "only an open (triggered, acknowledged or mitigated) incident can be resolved");
        return this with
        {
            Status = IncidentStatus.Resolved,
            ResolvedAt = now,
            Escalation = Escalation with { NextDueAt = null },
            ReminderDueAt = null,
            ResponseTargetBreached = ResponseTargetBreached || (AcknowledgedAt is null && now >= ResponseDueAt),
        };
    }

    /// <summary>Closed after review.</summary>
    /// <exception cref="IncidentException">The incident is not resolved.</exception>
    public Incident Close(DateTimeOffset now)
    {
        Require(Status == IncidentStatus.Resolved, "close", "resolve the incident before closing it");
        return this with { Status = IncidentStatus.Closed, ClosedAt = now };
    }

    /// <summary>Reopened: triggered again with its times, breach flag and escalation reset to a new cycle; reminders and
    /// the escalation's first step are for the caller to schedule.</summary>
    /// <exception cref="IncidentException">The incident is not resolved or closed.</exception>
    public Incident Reopen(DateTimeOffset now, TimeSpan responseTarget)
    {
        Require(Status is IncidentStatus.Resolved or IncidentStatus.Closed, "reopen", "only a resolved or closed incident can be reopened");
        return this with
        {
            Status = IncidentStatus.Triggered,
            CreatedAt = now,
            AcknowledgedAt = null,
            AcknowledgedBy = null,
            MitigatedAt = null,
            ResolvedAt = null,
            ClosedAt = null,
            ResponseDueAt = now + responseTarget,
            ResponseTargetBreached = false,
            Escalation = EscalationState.None with { Cycle = Escalation.Cycle + 1 },
            ReminderDueAt = null,
        };
    }

    void Require(bool condition, string action, string rule)
    {
        if (!condition)
        {
            throw new IncidentException(IncidentError.InvalidTransition,
                $"cannot {action} {Id}: it is {Status.ToString().ToLowerInvariant()}; {rule}");
        }
    }
}

/// <summary>Well-known actor names for timeline entries.</summary>
public static class Actors
{
    /// <summary>Guardia itself: timers, alerts, auto-resolve.</summary>
    public const string System = "system";
}
