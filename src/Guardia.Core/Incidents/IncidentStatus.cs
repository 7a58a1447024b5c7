namespace Guardia.Core.Incidents;

/// <summary>Where an incident is in its lifecycle: triggered → acknowledged → mitigated → resolved → closed.</summary>
public enum IncidentStatus
{
    /// <summary>Opened and not yet acknowledged; escalation runs.</summary>
    Triggered = 0,

    /// <summary>Someone owns it; escalation stopped.</summary>
    Acknowledged = 1,

    /// <summary>The impact is stopped; the cause may remain.</summary>
    Mitigated = 2,

    /// <summary>Fixed; can be reopened.</summary>
    Resolved = 3,

    /// <summary>Reviewed and done; can still be reopened.</summary>
    Closed = 4,
}

/// <summary>The war-room roles of an incident.</summary>
public enum IncidentRole
{
    /// <summary>Leads the response and decides.</summary>
    Commander = 0,

    /// <summary>Leads the technical investigation.</summary>
    TechnicalLead = 1,

    /// <summary>Writes the status updates for stakeholders.</summary>
    CommunicationsLead = 2,

    /// <summary>Keeps the timeline.</summary>
    Scribe = 3,
}
