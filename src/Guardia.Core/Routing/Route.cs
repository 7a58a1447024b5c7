using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Matching;

namespace Guardia.Core.Routing;

/// <summary>A node of the routing tree with its inherited options, built from configuration as Alertmanager's dispatcher builds it.</summary>
public sealed class Route
{
    readonly Route[] _routes;
    readonly IReadOnlyList<Route> _self;
    string? _key;

    Route(Route? parent, int index, RouteConfig config)
    {
        Parent = parent;
        Index = index;
        _self = Array.AsReadOnly(new[] { this });
        var opts = parent?.Options ?? new RouteOptions();
        if (!string.IsNullOrEmpty(config.Receiver))
        {
            opts = opts with { Receiver = config.Receiver };
        }
        // An empty group_by list inherits, as in Alertmanager: its YAML decoding leaves the list nil.
        if (config.GroupBy is { Count: > 0 })
        {
            var sorted = config.GroupBy.Distinct(StringComparer.Ordinal).Order(LabelNames.Utf8Comparer).ToArray();
            opts = opts with { GroupBy = sorted, GroupBySet = sorted.ToFrozenSet(StringComparer.Ordinal), GroupByAll = false };
        }
        else if (config.GroupByAll)
        {
            opts = opts with { GroupByAll = true };
        }
        opts = opts with
        {
            GroupWait = config.GroupWait ?? opts.GroupWait,
            GroupInterval = config.GroupInterval ?? opts.GroupInterval,
            RepeatInterval = config.RepeatInterval ?? opts.RepeatInterval,
            // Alertmanager does not inherit time intervals: each route lists its own.
            MuteTimeIntervals = config.MuteTimeIntervals,
            ActiveTimeIntervals = config.ActiveTimeIntervals,
        };
        Options = opts;
        Matchers = ConfigMatchers.Combine(config.Match, config.MatchRe, config.Matchers);
        Continue = config.Continue;
        _routes = new Route[config.Routes.Count];
        for (var i = 0; i < _routes.Length; i++)
        {
            _routes[i] = new Route(this, i, config.Routes[i]);
        }
    }

    /// <summary>Builds the tree from the root route of a configuration.</summary>
    public static Route Build(RouteConfig root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return new Route(null, 0, root);
    }

    /// <summary>The parent route, or null for the root.</summary>
    public Route? Parent { get; }

    /// <summary>The position among the parent's children (0 for the root).</summary>
    public int Index { get; }

    /// <summary>The effective options after inheritance.</summary>
    public RouteOptions Options { get; }

    /// <summary>The matchers an alert must satisfy, sorted as Alertmanager sorts them.</summary>
    public Matchers Matchers { get; }

    /// <summary>Whether matching continues with the next sibling after this route matched.</summary>
    public bool Continue { get; }

    /// <summary>The child routes in file order.</summary>
    public IReadOnlyList<Route> Routes => _routes;

    /// <summary>Returns the routes an alert with <paramref name="labels"/> ends at: depth-first, left to right, stopping after the first
    /// matching child unless it has <c>continue</c>, and the node itself when no child matches; empty when this node does not match.</summary>
    public IReadOnlyList<Route> Match(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (!Matchers.Matches(labels))
        {
            return [];
        }
        // The common outcome is one route: return its cached one-element list and allocate nothing.
        Route? single = null;
        List<Route>? many = null;
        CollectChildren(labels, ref single, ref many);
        return many ?? (single ?? this)._self;
    }

    void CollectChildren(LabelSet labels, ref Route? single, ref List<Route>? many)
    {
        foreach (var child in _routes)
        {
            if (!child.Matchers.Matches(labels))
            {
                continue;
            }
            var before = many?.Count ?? (single is null ? 0 : 1);
            child.CollectChildren(labels, ref single, ref many);
            var after = many?.Count ?? (single is null ? 0 : 1);
            if (after == before)
            {
                if (single is null)
                {
                    single = child;
                }
                else
                {
                    (many ??= [single]).Add(child);
                }
            }
            if (!child.Continue)
            {
                break;
            }
        }
    }

    /// <summary>Alertmanager's route key: the parent's key, a slash, and this route's matchers, e.g. <c>{}/{severity="critical"}</c>.</summary>
    public string Key() => _key ??= Parent is null ? Matchers.ToString() : Parent.Key() + "/" + Matchers.ToString();

    /// <summary>Alertmanager's route id: the key plus the position among siblings, e.g. <c>{}/{severity="critical"}/0</c>.</summary>
    public string Id() => Parent is null ? Key() : Key() + "/" + Index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Selects the labels an alert is grouped by on this route.</summary>
    public LabelSet GroupLabels(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (Options.GroupByAll)
        {
            return labels;
        }
        var set = Options.GroupBySet;
        if (set.Count == 0)
        {
            return LabelSet.Empty;
        }
        var pairs = new List<string>(set.Count * 2);
        for (var i = 0; i < labels.Count; i++)
        {
            if (set.Contains(labels.NameAt(i)))
            {
                pairs.Add(labels.NameAt(i));
                pairs.Add(labels.ValueAt(i));
            }
        }
        return LabelSet.FromSortedPairs([.. pairs]);
    }

    /// <summary>The aggregation group key as Alertmanager's dispatcher forms it: <c>route key:group labels</c>, e.g. <c>{}:{alertname="x"}</c>.</summary>
    public string GroupKey(LabelSet groupLabels)
    {
        ArgumentNullException.ThrowIfNull(groupLabels);
        return Key() + ":" + FormatGoLabelSet(groupLabels);
    }

    /// <summary>Visits this route and its descendants depth-first.</summary>
    public void Walk(Action<Route> visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        visit(this);
        foreach (var r in _routes)
        {
            r.Walk(visit);
        }
    }

    /// <summary>Formats a label set as Prometheus' Go <c>LabelSet.String</c>: <c>name="value"</c> pairs Go-quoted, sorted as strings, joined by ", ".</summary>
    public static string FormatGoLabelSet(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var parts = new string[labels.Count];
        for (var i = 0; i < parts.Length; i++)
        {
            var sb = new StringBuilder();
            sb.Append(labels.NameAt(i)).Append('=');
            GoQuote(sb, labels.ValueAt(i));
            parts[i] = sb.ToString();
        }
        // Go sorts the formatted pairs, so "a1=..." sorts before "a=..." ('1' < '=').
        Array.Sort(parts, LabelNames.Utf8Comparer);
        return "{" + string.Join(", ", parts) + "}";
    }

    static void GoQuote(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\a':
                    sb.Append("\\a");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\v':
                    sb.Append("\\v");
                    break;
                default:
                    if (c < 0x20 || c == 0x7F)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsControl(c) || (char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }
}
