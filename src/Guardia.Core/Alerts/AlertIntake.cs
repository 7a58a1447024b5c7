namespace Guardia.Core.Alerts;

/// <summary>Applies Alertmanager's defaults and validation to an alert as a sender posted it.</summary>
public static class AlertIntake
{
    /// <summary>Fills in missing times, drops empty labels and validates, exactly in Alertmanager 0.25's order.</summary>
    /// <returns>The alert ready to store, or the reason it is invalid (Alertmanager's wording, with the offending field).</returns>
    public static (Alert? Alert, string? Error) Prepare(
        LabelSet labels, LabelSet annotations, DateTimeOffset startsAt, DateTimeOffset endsAt, string? generatorUrl,
        DateTimeOffset now, TimeSpan resolveTimeout)
    {
        var timeout = false;
        if (startsAt == default)
        {
            startsAt = endsAt == default ? now : endsAt;
        }
        if (endsAt == default)
        {
            // No end from the sender: the alert resolves by itself unless it is sent again in time.
            timeout = true;
            endsAt = now + resolveTimeout;
        }
        labels = labels.WithoutEmptyValues();
        if (endsAt < startsAt)
        {
            return (null, $"endsAt: start time must be before end time (startsAt {startsAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}, endsAt {endsAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ})");
        }
        if (Invalid(labels) is { } labelError)
        {
            return (null, $"labels: invalid label set: {labelError}");
        }
        if (labels.Count == 0)
        {
            return (null, "labels: at least one label pair required");
        }
        if (Invalid(annotations) is { } annotationError)
        {
            return (null, $"annotations: invalid annotations: {annotationError}");
        }
        return (new Alert
        {
            Labels = labels,
            Annotations = annotations,
            StartsAt = startsAt,
            EndsAt = endsAt,
            UpdatedAt = now,
            GeneratorUrl = string.IsNullOrEmpty(generatorUrl) ? null : generatorUrl,
            Timeout = timeout,
        }, null);
    }

    static string? Invalid(LabelSet set)
    {
        for (var i = 0; i < set.Count; i++)
        {
            var name = set.NameAt(i);
            if (!LabelNames.IsValid(name))
            {
                return $"invalid name \"{name}\"";
            }
            if (!LabelNames.IsValidValue(set.ValueAt(i)))
            {
                return $"invalid value \"{set.ValueAt(i)}\"";
            }
        }
        return null;
    }
}
