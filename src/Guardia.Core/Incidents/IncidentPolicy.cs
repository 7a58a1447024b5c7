using Guardia.Core.Matching;

namespace Guardia.Core.Incidents;

/// <summary>How an alert's labels give an incident severity: the value of <see cref="Label"/> looked up in
/// <see cref="Map"/>, else <see cref="Default"/>.</summary>
public sealed record SeverityRule(string Label, IReadOnlyDictionary<string, Severity> Map, Severity Default)
{
    /// <summary>The usual rule: <c>severity</c> label, critical → P1, error/high → P2, warning → P3, info → P4, else P3.</summary>
    public static SeverityRule Standard { get; } = new("severity", new Dictionary<string, Severity>(StringComparer.Ordinal)
    {
        ["critical"] = Severity.P1,
        ["page"] = Severity.P1,
        ["error"] = Severity.P2,
        ["high"] = Severity.P2,
        ["warning"] = Severity.P3,
        ["info"] = Severity.P4,
        ["low"] = Severity.P4,
    }, Severity.P3);

    /// <summary>The severity for one alert's labels.</summary>
    public Severity For(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(Label, out var value) && Map.TryGetValue(value, out var s) ? s : Default;
}

/// <summary>Which aggregation groups open incidents, with what severity, escalation and auto-resolve.</summary>
/// <param name="Name">The policy name, unique.</param>
/// <param name="Matchers">An alert of the group must match all of them; empty matches every alert.</param>
/// <param name="Receivers">When not null, only groups routed to one of these receivers.</param>
/// <param name="Severity">How the severity is derived from the alerts' labels.</param>
/// <param name="EscalationPolicy">The escalation policy id, or null to open incidents without paging.</param>
/// <param name="AutoResolve">Resolve the incident when all its alerts resolve; null takes <see cref="IncidentSettings.AutoResolve"/>.</param>
public sealed record IncidentPolicy(
    string Name,
    Matchers Matchers,
    IReadOnlyList<string>? Receivers,
    SeverityRule Severity,
    string? EscalationPolicy,
    bool? AutoResolve);

/// <summary>Settings for all incidents: response targets, status-update reminders, auto-resolve default, ack link lifetime.</summary>
public sealed record IncidentSettings
{
    /// <summary>The defaults: P1 5m, P2 15m, P3 1h, P4 8h; status updates every 15m for P1 and P2; auto-resolve on; ack links valid 24h.</summary>
    public static IncidentSettings Default { get; } = new();

    /// <summary>Time to acknowledge per severity; an incident not acknowledged within it is flagged as breached.</summary>
    public IReadOnlyDictionary<Severity, TimeSpan> ResponseTargets { get; init; } = new Dictionary<Severity, TimeSpan>
    {
        [Severity.P1] = TimeSpan.FromMinutes(5),
        [Severity.P2] = TimeSpan.FromMinutes(15),
        [Severity.P3] = TimeSpan.FromHours(1),
        [Severity.P4] = TimeSpan.FromHours(8),
    };

    /// <summary>How often a status update is due while an incident of <see cref="StatusUpdateSeverities"/> is open.</summary>
    public TimeSpan StatusUpdateInterval { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The severities that get status-update reminders.</summary>
    public IReadOnlyList<Severity> StatusUpdateSeverities { get; init; } = [Severity.P1, Severity.P2];

    /// <summary>Whether incidents resolve when all their alerts resolve, unless the incident policy says otherwise.</summary>
    public bool AutoResolve { get; init; } = true;

    /// <summary>How long the acknowledge link in a page stays valid.</summary>
    public TimeSpan AckTokenLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The response target for <paramref name="severity"/>.</summary>
    public TimeSpan ResponseTarget(Severity severity) =>
        ResponseTargets.TryGetValue(severity, out var t) ? t : Default.ResponseTargets[severity];

    /// <summary>Whether <paramref name="severity"/> gets status-update reminders.</summary>
    public bool RemindsFor(Severity severity) => StatusUpdateSeverities.Contains(severity);
}

/// <summary>Where a configuration value was written: file, 1-based line and column.</summary>
public readonly record struct ConfigLocation(string File, int Line, int Column)
{
    /// <summary>Formats as <c>file:line:column</c>.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>An escalation target as written in configuration, with its position, so that user, schedule and team ids
/// can be checked against the on-call configuration with a file:line error.</summary>
public sealed record EscalationTargetReference(EscalationTarget Target, string EscalationPolicy, int LevelIndex, ConfigLocation Location);

/// <summary>The validated incident configuration: settings, escalation policies and incident policies, swapped whole on reload.</summary>
public sealed record IncidentConfig
{
    /// <summary>No policies and default settings: no incident opens automatically.</summary>
    public static IncidentConfig Empty { get; } = new();

    /// <summary>Settings for all incidents.</summary>
    public IncidentSettings Settings { get; init; } = IncidentSettings.Default;

    /// <summary>Escalation policies by id.</summary>
    public IReadOnlyDictionary<string, EscalationPolicy> EscalationPolicies { get; init; } = new Dictionary<string, EscalationPolicy>(StringComparer.Ordinal);

    /// <summary>Incident policies in file order; the first that matches a group wins.</summary>
    public IReadOnlyList<IncidentPolicy> IncidentPolicies { get; init; } = [];

    /// <summary>Every escalation target with where it was written, for validation against the on-call configuration.</summary>
    public IReadOnlyList<EscalationTargetReference> TargetReferences { get; init; } = [];
}
