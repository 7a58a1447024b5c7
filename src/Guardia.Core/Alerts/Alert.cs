namespace Guardia.Core.Alerts;

/// <summary>One alert as Alertmanager keeps it: labels identify it, annotations describe it, times bound it.</summary>
public sealed record Alert
{
    /// <summary>The identifying labels.</summary>
    public required LabelSet Labels { get; init; }

    /// <summary>Descriptive annotations (summary, description, runbook...).</summary>
    public LabelSet Annotations { get; init; } = LabelSet.Empty;

    /// <summary>When the alert started firing.</summary>
    public DateTimeOffset StartsAt { get; init; }

    /// <summary>When the alert ends or ended; set to now + resolve_timeout when the sender gave none.</summary>
    public DateTimeOffset EndsAt { get; init; }

    /// <summary>When Guardia last received this alert.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>A link back to the entity that generated the alert.</summary>
    public string? GeneratorUrl { get; init; }

    /// <summary>True when <see cref="EndsAt"/> was set by the resolve timeout rather than by the sender.</summary>
    public bool Timeout { get; init; }

    /// <summary>The fingerprint of <see cref="Labels"/>.</summary>
    public Fingerprint Fingerprint => Labels.Fingerprint;

    /// <summary>True when the alert has an end time that is not after <paramref name="now"/>.</summary>
    public bool ResolvedAt(DateTimeOffset now) => EndsAt != default && EndsAt <= now;

    /// <summary>Merges two versions of the same alert exactly as Alertmanager's <c>Alert.Merge</c> does.</summary>
    /// <remarks>The younger version (later UpdatedAt) wins, keeping the earliest start; a non-timeout
    /// end time that is later wins for firing alerts, and the latest explicit end wins when both are resolved.</remarks>
    public Alert Merge(Alert other, DateTimeOffset now)
    {
        if (other.UpdatedAt < UpdatedAt)
        {
            return other.Merge(this, now);
        }
        var startsAt = StartsAt < other.StartsAt ? StartsAt : other.StartsAt;
        var endsAt = other.EndsAt;
        var timeout = other.Timeout;
        if (other.ResolvedAt(now))
        {
            if (ResolvedAt(now) && EndsAt > other.EndsAt)
            {
                endsAt = EndsAt;
            }
        }
        else if (EndsAt > other.EndsAt && !Timeout)
        {
            endsAt = EndsAt;
        }
        return other with { StartsAt = startsAt, EndsAt = endsAt, Timeout = timeout };
    }
}
