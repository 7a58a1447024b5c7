using System.Text;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Matching;

namespace Guardia.Core.Inhibition;

/// <summary>One inhibition rule with the firing source alerts it has seen, indexed by their <c>equal</c> label values.</summary>
/// <remarks>Not thread-safe: <see cref="Inhibitor"/> guards it.</remarks>
sealed class InhibitRule
{
    readonly string[] _equal;
    readonly Dictionary<string, Dictionary<ulong, Alert>> _sources = new(StringComparer.Ordinal);
    readonly Dictionary<ulong, string> _keyOf = [];

    public InhibitRule(InhibitRuleConfig config)
    {
        SourceMatchers = config.EffectiveSourceMatchers;
        TargetMatchers = config.EffectiveTargetMatchers;
        _equal = [.. config.Equal.Distinct(StringComparer.Ordinal)];
    }

    public Matchers SourceMatchers { get; }

    public Matchers TargetMatchers { get; }

    /// <summary>Records the latest version of an alert matching the source side.</summary>
    public void Observe(Alert alert)
    {
        if (!SourceMatchers.Matches(alert.Labels))
        {
            return;
        }
        var fp = alert.Fingerprint.Value;
        var key = KeyOf(alert.Labels);
        if (!_sources.TryGetValue(key, out var bucket))
        {
            bucket = [];
            _sources[key] = bucket;
        }
        // Listeners may see two concurrent batches out of order; keep the newest version.
        if (bucket.TryGetValue(fp, out var old) && old.UpdatedAt > alert.UpdatedAt)
        {
            return;
        }
        bucket[fp] = alert;
        _keyOf[fp] = key;
    }

    /// <summary>Forgets source alerts resolved at <paramref name="now"/>.</summary>
    public void CollectResolved(DateTimeOffset now)
    {
        List<ulong>? dead = null;
        foreach (var (fp, key) in _keyOf)
        {
            if (_sources[key][fp].ResolvedAt(now))
            {
                (dead ??= []).Add(fp);
            }
        }
        if (dead is null)
        {
            return;
        }
        foreach (var fp in dead)
        {
            var key = _keyOf[fp];
            var bucket = _sources[key];
            bucket.Remove(fp);
            if (bucket.Count == 0)
            {
                _sources.Remove(key);
            }
            _keyOf.Remove(fp);
        }
    }

    /// <summary>Returns the smallest fingerprint of a firing source alert with the same <c>equal</c> labels as <paramref name="target"/>.</summary>
    /// <param name="target">The labels of the alert that matches the target side.</param>
    /// <param name="excludeTwoSided">True when the target also matches the source side: then source alerts that match the target
    /// side too are ignored, so an alert matching both sides never inhibits itself or its peers (Alertmanager's rule).</param>
    /// <param name="now">The time at which sources must still be firing.</param>
    public Fingerprint? FindInhibitor(LabelSet target, bool excludeTwoSided, DateTimeOffset now)
    {
        if (!_sources.TryGetValue(KeyOf(target), out var bucket))
        {
            return null;
        }
        Fingerprint? best = null;
        foreach (var source in bucket.Values)
        {
            if (source.ResolvedAt(now) || (excludeTwoSided && TargetMatchers.Matches(source.Labels)))
            {
                continue;
            }
            // Alertmanager reports whichever source it meets first in a map; the smallest fingerprint is a stable choice.
            if (best is null || source.Fingerprint < best.Value)
            {
                best = source.Fingerprint;
            }
        }
        return best;
    }

    /// <summary>The values of the <c>equal</c> labels, an absent label counting as the empty value as in Alertmanager.</summary>
    string KeyOf(LabelSet labels)
    {
        if (_equal.Length == 0)
        {
            return "";
        }
        var sb = new StringBuilder();
        foreach (var name in _equal)
        {
            var v = labels.Get(name);
            sb.Append(v.Length).Append(':').Append(v);
        }
        return sb.ToString();
    }
}
