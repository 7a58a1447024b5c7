using System.Collections.Frozen;

namespace Guardia.Core.Routing;

/// <summary>The effective options of a route after inheritance; the defaults are Alertmanager's root defaults.</summary>
public sealed record RouteOptions
{
    /// <summary>The receiver notified for alerts ending at this route.</summary>
    public string Receiver { get; init; } = string.Empty;

    /// <summary>The labels alerts are grouped by, in UTF-8 order.</summary>
    public IReadOnlyList<string> GroupBy { get; init; } = [];

    /// <summary>True when grouping by all labels (<c>group_by: ['...']</c>).</summary>
    public bool GroupByAll { get; init; }

    /// <summary>How long to wait before the first notification of a new group.</summary>
    public TimeSpan GroupWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait before notifying about changes to a group.</summary>
    public TimeSpan GroupInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long to wait before repeating an unchanged notification.</summary>
    public TimeSpan RepeatInterval { get; init; } = TimeSpan.FromHours(4);

    /// <summary>Names of intervals during which notifications are muted (not inherited).</summary>
    public IReadOnlyList<string> MuteTimeIntervals { get; init; } = [];

    /// <summary>Names of intervals outside of which notifications are muted (not inherited).</summary>
    public IReadOnlyList<string> ActiveTimeIntervals { get; init; } = [];

    internal FrozenSet<string> GroupBySet { get; init; } = FrozenSet<string>.Empty;
}
