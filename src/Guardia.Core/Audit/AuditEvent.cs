namespace Guardia.Core.Audit;

/// <summary>One change recorded in the audit log, chained to the one before it by <see cref="PreviousHash"/>.</summary>
public sealed record AuditEvent
{
    /// <summary>The position in the log: 1, 2, 3… with no gaps.</summary>
    public required long Sequence { get; init; }

    /// <summary>When the change happened (stored to the millisecond).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Who made it: a token name, <c>cli:USER</c>, or <c>anonymous (IP)</c> on open endpoints.</summary>
    public required string Actor { get; init; }

    /// <summary>What kind of change, dotted from general to specific: <c>api.silence.create</c>, <c>runbook.step.run</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>What it changed: an id or a path.</summary>
    public required string Target { get; init; }

    /// <summary>A JSON object with the parameters, secrets redacted (see <see cref="AuditDetails"/>).</summary>
    public required string Details { get; init; }

    /// <summary>The <see cref="Hash"/> of the previous event; <see cref="AuditChain.Genesis"/> for the first.</summary>
    public required string PreviousHash { get; init; }

    /// <summary>SHA-256 over <see cref="PreviousHash"/> and the canonical encoding of the fields above (see <see cref="AuditChain"/>).</summary>
    public required string Hash { get; init; }
}

/// <summary>A change to record; the log gives it its sequence and hashes.</summary>
public sealed record AuditEntry(DateTimeOffset At, string Actor, string Kind, string Target, string Details);

/// <summary>The last event's sequence and hash, kept apart from the events so that deleting the newest ones shows.</summary>
public sealed record AuditHead(long Sequence, string Hash);

/// <summary>Which events <see cref="IAuditLog.QueryAsync"/> returns; null fields do not filter.</summary>
public sealed record AuditFilter
{
    /// <summary>Events at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Events before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Events by exactly this actor.</summary>
    public string? Actor { get; init; }

    /// <summary>Events whose kind is this or starts with it and a dot: <c>api.silence</c> matches <c>api.silence.create</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>At most this many events.</summary>
    public int? Limit { get; init; }

    /// <summary>Newest first (for people looking at recent changes) instead of oldest first (for exports).</summary>
    public bool NewestFirst { get; init; }
}
