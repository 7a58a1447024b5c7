namespace Guardia.Core.Access;

/// <summary>An API token as stored: everything but the secret itself, of which only the SHA-256 hash is kept.</summary>
public sealed record ApiToken
{
    /// <summary>A short random identifier that is safe to show and log.</summary>
    public required string Id { get; init; }

    /// <summary>The unique name people know the token by (who or what uses it); it is the actor in the audit log.</summary>
    public required string Name { get; init; }

    /// <summary>What the token may do.</summary>
    public required Role Role { get; init; }

    /// <summary>When the token was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the token last authenticated a request (updated at most once a minute), or null.</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>When the token was revoked, or null while it is valid.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>True once the token has been revoked.</summary>
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>Who made a request: the name and role of the token that authenticated it.</summary>
public sealed record Actor(string Name, Role Role);
