using Guardia.Core.Matching;

namespace Guardia.Core.Configuration;

/// <summary>One node of the <c>route</c> tree as written; unset fields are null and inherit from the parent.</summary>
public sealed record RouteConfig
{
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

    public IReadOnlyList<string> MuteTimeIntervals { get; init; } = [];
    public IReadOnlyList<string> ActiveTimeIntervals { get; init; } = [];
    public bool Continue { get; init; }
    public IReadOnlyList<RouteConfig> Routes { get; init; } = [];
    public TimeSpan? GroupWait { get; init; }
    public TimeSpan? GroupInterval { get; init; }
    public TimeSpan? RepeatInterval { get; init; }
}
