using Guardia.Core.Matching;
using MatchType = Guardia.Core.Matching.MatchType;

namespace Guardia.Core.Configuration;

/// <summary>An inhibition rule: alerts matching the target are muted while an alert matching the source fires with equal <see cref="Equal"/> labels.</summary>
public sealed record InhibitRuleConfig
{
    /// <summary>The <c>source_match</c> setting.</summary>
    public IReadOnlyDictionary<string, string> SourceMatch { get; init; } = new Dictionary<string, string>();

    /// <summary>The <c>source_match_re</c> setting.</summary>
    public IReadOnlyDictionary<string, string> SourceMatchRe { get; init; } = new Dictionary<string, string>();

    /// <summary>The <c>source_matchers</c> setting.</summary>
    public Matchers SourceMatchers { get; init; } = Matchers.Empty;

    /// <summary>The <c>target_match</c> setting.</summary>
    public IReadOnlyDictionary<string, string> TargetMatch { get; init; } = new Dictionary<string, string>();

    /// <summary>The <c>target_match_re</c> setting.</summary>
    public IReadOnlyDictionary<string, string> TargetMatchRe { get; init; } = new Dictionary<string, string>();

    /// <summary>The <c>target_matchers</c> setting.</summary>
    public Matchers TargetMatchers { get; init; } = Matchers.Empty;

    /// <summary>The <c>equal</c> setting.</summary>
    public IReadOnlyList<string> Equal { get; init; } = [];

    /// <summary>All source conditions as one list: legacy maps converted (regexes anchored like Alertmanager) plus <see cref="SourceMatchers"/>.</summary>
    /// <remarks>Built, and its regexes compiled, on every call: build the inhibitor once per configuration.</remarks>
    public Matchers EffectiveSourceMatchers => ConfigMatchers.Combine(SourceMatch, SourceMatchRe, SourceMatchers);

    /// <summary>All target conditions as one list.</summary>
    /// <remarks>Built on every call, like <see cref="EffectiveSourceMatchers"/>.</remarks>
    public Matchers EffectiveTargetMatchers => ConfigMatchers.Combine(TargetMatch, TargetMatchRe, TargetMatchers);
}

/// <summary>Turns the legacy <c>match</c>/<c>match_re</c> maps into matchers.</summary>
public static class ConfigMatchers
{
    /// <summary>Combines legacy maps and new-style matchers into one sorted list, as Alertmanager's route builder does.</summary>
    /// <remarks>Alertmanager stores <c>match_re</c> values already anchored, so their matchers print as <c>a=~"^(?:x)$"</c>.</remarks>
    public static Matchers Combine(IReadOnlyDictionary<string, string> match, IReadOnlyDictionary<string, string> matchRe, Matchers matchers)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentNullException.ThrowIfNull(matchRe);
        ArgumentNullException.ThrowIfNull(matchers);
        if (match.Count == 0 && matchRe.Count == 0)
        {
            return matchers;
        }
        var all = new List<Matcher>(match.Count + matchRe.Count + matchers.Count);
        foreach (var (name, value) in match)
        {
            all.Add(new Matcher(MatchType.Equal, name, value));
        }
        foreach (var (name, value) in matchRe)
        {
            all.Add(new Matcher(MatchType.Regexp, name, "^(?:" + value + ")$"));
        }
        all.AddRange(matchers);
        return Matchers.Sorted(all);
    }
}
