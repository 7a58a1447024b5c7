namespace Guardia.Core.Audit;

/// <summary>The append-only, hash-chained audit log.</summary>
public interface IAuditLog
{
    /// <summary>Appends <paramref name="entry"/> after the current head and returns it with its sequence and hash;
    /// returns once it is durable. Concurrent appends are serialized, so the chain never forks.</summary>
    Task<AuditEvent> AppendAsync(AuditEntry entry, CancellationToken ct);

    /// <summary>The events matching <paramref name="filter"/>.</summary>
    Task<IReadOnlyList<AuditEvent>> QueryAsync(AuditFilter filter, CancellationToken ct);

    /// <summary>Every event in sequence order, for verification and export.</summary>
    IAsyncEnumerable<AuditEvent> ReadAllAsync(CancellationToken ct);

    /// <summary>The head record, or null when nothing was ever appended.</summary>
    Task<AuditHead?> GetHeadAsync(CancellationToken ct);
}
