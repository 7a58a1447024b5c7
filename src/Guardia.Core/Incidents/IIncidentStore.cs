namespace Guardia.Core.Incidents;

/// <summary>One atomic write: incidents upserted, timeline entries appended and pages upserted in one transaction.</summary>
public sealed record IncidentChange(IReadOnlyList<Incident> Incidents, IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<PageRecord> Pages)
{
    /// <summary>Nothing to write.</summary>
    public static IncidentChange Empty { get; } = new([], [], []);

    /// <summary>True when there is nothing to write.</summary>
    public bool IsEmpty => Incidents.Count == 0 && Timeline.Count == 0 && Pages.Count == 0;
}

/// <summary>What the engine needs after a restart.</summary>
/// <param name="Incidents">Every open incident, plus the latest incident of each aggregation group whatever its status.</param>
/// <param name="PendingPages">Pages recorded but never confirmed by the pager.</param>
public sealed record IncidentStoreState(IReadOnlyList<Incident> Incidents, IReadOnlyList<PageRecord> PendingPages);

/// <summary>A listing filter; null fields do not filter.</summary>
public sealed record IncidentQuery(IncidentStatus? Status = null, Severity? Severity = null, int Limit = 100);

/// <summary>Durable storage of incidents, timelines and the page outbox; every write is durable when its task completes.</summary>
public interface IIncidentStore
{
    /// <summary>Reserves and returns the next incident sequence number (1, 2, ...), never reused.</summary>
    Task<long> NextNumberAsync(CancellationToken ct);

    /// <summary>Writes <paramref name="change"/> in one transaction.</summary>
    Task SaveAsync(IncidentChange change, CancellationToken ct);

    /// <summary>Loads what the engine needs after a restart.</summary>
    Task<IncidentStoreState> LoadAsync(CancellationToken ct);

    /// <summary>The incident with <paramref name="id"/>, or null.</summary>
    Task<Incident?> GetAsync(string id, CancellationToken ct);

    /// <summary>Incidents matching <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken ct);

    /// <summary>The timeline of <paramref name="incidentId"/> in the order it was written.</summary>
    Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string incidentId, CancellationToken ct);

    /// <summary>The pages of <paramref name="incidentId"/> in the order they were recorded.</summary>
    Task<IReadOnlyList<PageRecord>> GetPagesAsync(string incidentId, CancellationToken ct);
}
