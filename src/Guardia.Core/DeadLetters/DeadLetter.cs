using Guardia.Core.Alerts;

namespace Guardia.Core.DeadLetters;

/// <summary>A notification that failed after every retry, kept with what is needed to render and send it again.</summary>
/// <remarks>The rendered payload is not kept: it may hold secrets (PagerDuty keys) and a replay renders it
/// again with the configuration of the moment, so a fixed receiver setting takes effect.</remarks>
public sealed record DeadLetter
{
    /// <summary>The identifier the API and CLI use.</summary>
    public required string Id { get; init; }

    /// <summary>The receiver name.</summary>
    public required string Receiver { get; init; }

    /// <summary>The integration: <c>slack</c>, <c>pagerduty</c>, <c>msteams</c>, <c>email</c>, <c>webhook</c>.</summary>
    public required string Integration { get; init; }

    /// <summary>The position of the integration entry in the receiver's list of that kind.</summary>
    public int IntegrationIndex { get; init; }

    /// <summary>The aggregation group key.</summary>
    public required string GroupKey { get; init; }

    /// <summary>The labels the group was formed by.</summary>
    public LabelSet GroupLabels { get; init; } = LabelSet.Empty;

    /// <summary>The alerts of the failed notification.</summary>
    public IReadOnlyList<Alert> Alerts { get; init; } = [];

    /// <summary>The external URL the notification was rendered with.</summary>
    public string ExternalUrl { get; init; } = string.Empty;

    /// <summary>The flush time the notification was rendered at; a replay renders at the same time, so the texts match.</summary>
    public DateTimeOffset FlushedAt { get; init; }

    /// <summary>The last error, secrets redacted.</summary>
    public string Error { get; init; } = string.Empty;

    /// <summary>How many delivery attempts failed, replays included.</summary>
    public int Attempts { get; init; }

    /// <summary>When the first attempt failed.</summary>
    public DateTimeOffset FirstFailure { get; init; }

    /// <summary>When the last attempt failed.</summary>
    public DateTimeOffset LastFailure { get; init; }
}
