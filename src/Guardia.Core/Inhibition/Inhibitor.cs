using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Notify;

namespace Guardia.Core.Inhibition;

/// <summary>Mutes alerts that a firing alert inhibits through an <c>inhibit_rules</c> entry (Alertmanager's <c>inhibit.Inhibitor</c>).</summary>
/// <remarks>Fed with every committed alert version through <see cref="Observe"/>; a configuration reload replaces the
/// rules through <see cref="Configure"/>, which re-reads the current alerts so no source is missed.</remarks>
public sealed class Inhibitor : IMuter
{
    readonly Lock _lock = new();
    InhibitRule[] _rules = [];

    /// <summary>Replaces the rules with <paramref name="rules"/> and rebuilds their source caches from <paramref name="currentAlerts"/>.</summary>
    /// <remarks>Builds the new rules before taking the lock: matchers are compiled here, once per configuration.</remarks>
    public void Configure(IReadOnlyList<InhibitRuleConfig> rules, Func<IEnumerable<Alert>> currentAlerts)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(currentAlerts);
        var built = new InhibitRule[rules.Count];
        for (var i = 0; i < built.Length; i++)
        {
            built[i] = new InhibitRule(rules[i]);
        }
        lock (_lock)
        {
            // Read the alerts under the lock: a batch committed meanwhile is observed after this, into the new rules.
            foreach (var alert in currentAlerts())
            {
                foreach (var r in built)
                {
                    r.Observe(alert);
                }
            }
            _rules = built;
        }
    }

    /// <summary>Records committed alert versions; source alerts among them start or stop inhibiting.</summary>
    public void Observe(IReadOnlyList<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        lock (_lock)
        {
            if (_rules.Length == 0)
            {
                return;
            }
            foreach (var alert in alerts)
            {
                foreach (var r in _rules)
                {
                    r.Observe(alert);
                }
            }
        }
    }

    /// <summary>Forgets source alerts that are resolved at <paramref name="now"/>.</summary>
    public void CollectResolved(DateTimeOffset now)
    {
        lock (_lock)
        {
            foreach (var r in _rules)
            {
                r.CollectResolved(now);
            }
        }
    }

    /// <inheritdoc/>
    public bool Mutes(LabelSet labels, DateTimeOffset now) => InhibitedBy(labels, now) is not null;

    /// <summary>Returns the fingerprint of a firing alert that inhibits an alert with <paramref name="labels"/> (its <c>inhibitedBy</c>), or null.</summary>
    /// <remarks>As in Alertmanager, the first rule whose target matches and that finds a source decides, and one source is reported.</remarks>
    public Fingerprint? InhibitedBy(LabelSet labels, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(labels);
        lock (_lock)
        {
            foreach (var r in _rules)
            {
                if (!r.TargetMatchers.Matches(labels))
                {
                    continue;
                }
                if (r.FindInhibitor(labels, r.SourceMatchers.Matches(labels), now) is { } fp)
                {
                    return fp;
                }
            }
        }
        return null;
    }
}
