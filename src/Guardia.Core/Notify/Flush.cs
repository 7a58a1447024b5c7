using Guardia.Core.Alerts;
using Guardia.Core.Routing;

namespace Guardia.Core.Notify;

/// <summary>Everything a stage may know about one flush of an aggregation group.</summary>
public sealed record Flush(string GroupKey, string Receiver, LabelSet GroupLabels, DateTimeOffset Now, RouteOptions Options)
{
    /// <summary>When the flush gives up (the group's next flush); a retry cancelled at or after it failed for good,
    /// while one cancelled before it was stopped (shutdown or reload) and is sent again by the next dispatcher.</summary>
    public DateTimeOffset Deadline { get; init; } = DateTimeOffset.MaxValue;
}
