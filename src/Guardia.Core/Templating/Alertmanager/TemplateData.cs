using System.Collections;
using Guardia.Core.Alerts;

namespace Guardia.Core.Templating.Alertmanager;

/// <summary>What notification templates see as dot: Alertmanager's <c>template.Data</c>.</summary>
public sealed record TemplateData : ITemplateObject
{
    /// <summary>The receiver name (regexp-quoted, as Alertmanager passes it).</summary>
    public required string Receiver { get; init; }

    /// <summary><c>firing</c> when any alert fires, else <c>resolved</c>.</summary>
    public required string Status { get; init; }

    /// <summary>The alerts of the notification.</summary>
    public required AlertList Alerts { get; init; }

    /// <summary>The labels the group was formed by.</summary>
    public KV GroupLabels { get; init; } = KV.Empty;

    /// <summary>The labels every alert shares.</summary>
    public KV CommonLabels { get; init; } = KV.Empty;

    /// <summary>The annotations every alert shares.</summary>
    public KV CommonAnnotations { get; init; } = KV.Empty;

    /// <summary>The URL Alertmanager (Guardia) is reachable at.</summary>
    public string ExternalURL { get; init; } = string.Empty;

    /// <summary>Assembles the data as Alertmanager's <c>Template.Data</c> does: statuses at <paramref name="now"/>, common labels and annotations.</summary>
    public static TemplateData Create(string receiver, LabelSet groupLabels, IReadOnlyList<Alert> alerts, string externalUrl, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var list = new List<TemplateAlert>(alerts.Count);
        var anyFiring = false;
        foreach (var a in alerts)
        {
            var resolved = a.ResolvedAt(now);
            anyFiring |= !resolved;
            list.Add(new TemplateAlert
            {
                Status = resolved ? "resolved" : "firing",
                Labels = new KV(a.Labels),
                Annotations = new KV(a.Annotations),
                StartsAt = GoTime.From(a.StartsAt),
                EndsAt = GoTime.From(a.EndsAt),
                GeneratorURL = a.GeneratorUrl ?? string.Empty,
                Fingerprint = a.Fingerprint.ToString(),
            });
        }
        var commonLabels = LabelSet.Empty;
        var commonAnnotations = LabelSet.Empty;
        if (alerts.Count > 0)
        {
            commonLabels = Common(alerts, a => a.Labels);
            commonAnnotations = Common(alerts, a => a.Annotations);
        }
        return new TemplateData
        {
            Receiver = QuoteMeta(receiver),
            Status = anyFiring ? "firing" : "resolved",
            Alerts = new AlertList(list),
            GroupLabels = new KV(groupLabels),
            CommonLabels = new KV(commonLabels),
            CommonAnnotations = new KV(commonAnnotations),
            ExternalURL = externalUrl,
        };
    }

    // Go's regexp.QuoteMeta, which Alertmanager applies to the receiver name.
    static string QuoteMeta(string s)
    {
        var sb = new System.Text.StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (@"\.+*?()|[]{}^$".Contains(c, StringComparison.Ordinal))
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    static LabelSet Common(IReadOnlyList<Alert> alerts, Func<Alert, LabelSet> select)
    {
        var first = select(alerts[0]);
        var kept = new List<KeyValuePair<string, string>>();
        foreach (var kv in first)
        {
            var shared = true;
            for (var i = 1; i < alerts.Count && shared; i++)
            {
                shared = select(alerts[i]).Get(kv.Key) == kv.Value;
            }
            if (shared)
            {
                kept.Add(kv);
            }
        }
        return LabelSet.From(kept);
    }

    /// <inheritdoc/>
    public bool TryGetMember(string name, out object? value)
    {
        value = name switch
        {
            "Receiver" => Receiver,
            "Status" => Status,
            "Alerts" => Alerts,
            "GroupLabels" => GroupLabels,
            "CommonLabels" => CommonLabels,
            "CommonAnnotations" => CommonAnnotations,
            "ExternalURL" => ExternalURL,
            _ => null,
        };
        return value is not null;
    }

    /// <inheritdoc/>
    public string TemplateTypeName => "template.Data";

    /// <summary>Prints as Go prints the struct.</summary>
    public override string ToString() =>
        $"{{{Receiver} {Status} {Alerts} {GroupLabels} {CommonLabels} {CommonAnnotations} {ExternalURL}}}";
}

/// <summary>One alert as templates see it: Alertmanager's <c>template.Alert</c>.</summary>
public sealed record TemplateAlert : ITemplateObject
{
    /// <summary><c>firing</c> or <c>resolved</c>.</summary>
    public required string Status { get; init; }

    /// <summary>The alert's labels.</summary>
    public KV Labels { get; init; } = KV.Empty;

    /// <summary>The alert's annotations.</summary>
    public KV Annotations { get; init; } = KV.Empty;

    /// <summary>When the alert started.</summary>
    public GoTime StartsAt { get; init; } = GoTime.From(default);

    /// <summary>When the alert ends or ended.</summary>
    public GoTime EndsAt { get; init; } = GoTime.From(default);

    /// <summary>The link to the alert's source.</summary>
    public string GeneratorURL { get; init; } = string.Empty;

    /// <summary>The fingerprint as 16 hex digits.</summary>
    public string Fingerprint { get; init; } = string.Empty;

    /// <inheritdoc/>
    public bool TryGetMember(string name, out object? value)
    {
        value = name switch
        {
            "Status" => Status,
            "Labels" => Labels,
            "Annotations" => Annotations,
            "StartsAt" => StartsAt,
            "EndsAt" => EndsAt,
            "GeneratorURL" => GeneratorURL,
            "Fingerprint" => Fingerprint,
            _ => null,
        };
        return value is not null;
    }

    /// <inheritdoc/>
    public string TemplateTypeName => "template.Alert";

    /// <summary>Prints as Go prints the struct.</summary>
    public override string ToString() =>
        $"{{{Status} {Labels} {Annotations} {StartsAt} {EndsAt} {GeneratorURL} {Fingerprint}}}";
}

/// <summary>The alerts of a notification with <c>Firing</c> and <c>Resolved</c> (Alertmanager's <c>template.Alerts</c>).</summary>
public sealed class AlertList(IReadOnlyList<TemplateAlert> alerts) : IReadOnlyList<TemplateAlert>, ITemplateObject
{
    /// <summary>The alerts whose status is <c>firing</c>.</summary>
    public IReadOnlyList<TemplateAlert> Firing() => new AlertSlice([.. alerts.Where(a => a.Status == "firing")]);

    /// <summary>The alerts whose status is <c>resolved</c>.</summary>
    public IReadOnlyList<TemplateAlert> Resolved() => new AlertSlice([.. alerts.Where(a => a.Status == "resolved")]);

    // Go's Firing and Resolved return a plain []Alert: no methods, its own type name.
    sealed class AlertSlice(List<TemplateAlert> items) : IReadOnlyList<TemplateAlert>, ICollection, ITemplateObject
    {
        public TemplateAlert this[int index] => items[index];

        public int Count => items.Count;

        public bool IsSynchronized => false;

        public object SyncRoot => items;

        public string TemplateTypeName => "[]template.Alert";

        public void CopyTo(Array array, int index) => ((ICollection)items).CopyTo(array, index);

        public bool TryGetMember(string name, out object? value)
        {
            value = null;
            return false;
        }

        public IEnumerator<TemplateAlert> GetEnumerator() => items.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => "[" + string.Join(' ', items) + "]";
    }

    /// <inheritdoc/>
    public bool TryGetMember(string name, out object? value)
    {
        value = name switch
        {
            "Firing" => (TemplateFunction)(args =>
            {
                TemplateArgs.Count(args, 0, "Firing");
                return Firing();
            }),
            "Resolved" => (TemplateFunction)(args =>
            {
                TemplateArgs.Count(args, 0, "Resolved");
                return Resolved();
            }),
            _ => null,
        };
        return value is not null;
    }

    /// <inheritdoc/>
    public string TemplateTypeName => "template.Alerts";

    /// <summary>Prints as Go prints the slice.</summary>
    public override string ToString() => "[" + string.Join(' ', alerts) + "]";

    /// <inheritdoc/>
    public TemplateAlert this[int index] => alerts[index];

    /// <inheritdoc/>
    public int Count => alerts.Count;

    /// <inheritdoc/>
    public IEnumerator<TemplateAlert> GetEnumerator() => alerts.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
