namespace Guardia.Core.Incidents;

/// <summary>Why a page is sent.</summary>
public enum PageReason
{
    /// <summary>An escalation level fired (first level on open, later levels on timeout).</summary>
    Escalation = 0,

    /// <summary>Someone asked to escalate now.</summary>
    EscalateNow = 1,

    /// <summary>The incident was reassigned to the paged user.</summary>
    Reassigned = 2,

    /// <summary>The paged user was added as a responder.</summary>
    Responder = 3,

    /// <summary>A status update is due.</summary>
    Reminder = 4,
}

/// <summary>Where a page is in the outbox.</summary>
public enum PageState
{
    /// <summary>Recorded, not yet confirmed by the pager; sent (again) after a restart.</summary>
    Pending = 0,

    /// <summary>The pager accepted it; never sent again.</summary>
    Sent = 1,

    /// <summary>The pager refused it; not retried by the engine.</summary>
    Failed = 2,
}

/// <summary>A page in the outbox, recorded before it is handed to the pager; the id is deterministic from the
/// incident, cycle, level, pass and user, so the same escalation step can never record two pages.</summary>
public sealed record PageRecord(
    string Id,
    string IncidentId,
    int Level,
    string LevelName,
    int Repeat,
    string UserId,
    PageReason Reason,
    PageState State,
    DateTimeOffset CreatedAt,
    int Attempts,
    DateTimeOffset? LastAttemptAt,
    string? Error);

/// <summary>What the pager receives: who to page about which incident, with a signed acknowledge token.</summary>
/// <param name="Id">The page id (deterministic; use it as an idempotency key downstream).</param>
/// <param name="Incident">The incident as it was when the page was handed over.</param>
/// <param name="Level">The 0-based escalation level.</param>
/// <param name="LevelName">The level's name (<c>L1 on-call engineer</c>).</param>
/// <param name="UserId">Who to page.</param>
/// <param name="AckToken">A token that acknowledges the incident as <paramref name="UserId"/> (see <see cref="AckTokens"/>).</param>
/// <param name="AckTokenExpiresAt">When the token stops working.</param>
/// <param name="Reason">Why this page is sent.</param>
public sealed record Page(string Id, Incident Incident, int Level, string LevelName, string UserId, string AckToken, DateTimeOffset AckTokenExpiresAt, PageReason Reason)
{
    /// <summary>When the engine decided the page (its escalation step, reminder or action); delivery follows.</summary>
    public DateTimeOffset DecidedAt { get; init; }
}

/// <summary>What the pager reports for one page.</summary>
public sealed record PageOutcome(bool Delivered, string? Error)
{
    /// <summary>The page was delivered.</summary>
    public static PageOutcome Success { get; } = new(true, null);

    /// <summary>The page could not be delivered, for <paramref name="error"/>.</summary>
    public static PageOutcome Failure(string error) => new(false, error);
}

/// <summary>Delivers pages to people (SMS, push, phone, chat); implemented at the edge by the notifiers.</summary>
public interface IPager
{
    /// <summary>Delivers <paramref name="page"/>; returns the outcome instead of throwing for delivery failures.</summary>
    Task<PageOutcome> PageAsync(Page page, CancellationToken ct);
}
