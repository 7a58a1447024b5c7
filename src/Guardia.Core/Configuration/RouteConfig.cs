using Guardia.Core.Matching;

namespace Guardia.Core.Configuration;

/// <summary>One node of the <c>route</c> tree as written; unset fields are null and inherit from the parent.</summary>
public sealed record RouteConfig
{
    /// <summary>The <c>receiver</c> setting.</summary>
    public string? Receiver { get; init; }

    /// <summary>The <c>group_by</c> labels without <c>...</c>; null when not given.</summary>
    public IReadOnlyList<string>? GroupBy { get; init; }

    /// <summary>True when <c>group_by</c> is <c>['...']</c>: group by all labels.</summary>
    public bool GroupByAll { get; init; }

    /// <summary>Legacy equality matchers (<c>match:</c>).</summary>
    public IReadOnlyDictionary<string, string> Match { get; init; } = new Dictionary<string, string>();

    /// <summary>Legacy regex matchers (<c>match_re:</c>), unanchored as written.</summary>
    public IReadOnlyDictionary<string, string> MatchRe { get; init; } = new Dictionary<string, string>();

    /// <summary>Matchers from the <c>matchers:</c> list, sorted as Alertmanager sorts them.</summary>
    public Matchers Matchers { get; init; } = Matchers.Empty;

    /// <summary>The <c>mute_time_intervals</c> setting.</summary>
    public IReadOnlyList<string> MuteTimeIntervals { get; init; } = [];

    /// <summary>The <c>active_time_intervals</c> setting.</summary>
    public IReadOnlyList<string> ActiveTimeIntervals { get; init; } = [];

    /// <summary>The <c>continue</c> setting.</summary>
    public bool Continue { get; init; }

    /// <summary>The <c>routes</c> setting.</summary>
    public IReadOnlyList<RouteConfig> Routes { get; init; } = [];

    /// <summary>The <c>group_wait</c> setting.</summary>
    public TimeSpan? GroupWait { get; init; }

    /// <summary>The <c>group_interval</c> setting.</summary>
    public TimeSpan? GroupInterval { get; init; }

    /// <summary>The <c>repeat_interval</c> setting.</summary>
    public TimeSpan? RepeatInterval { get; init; }
}
