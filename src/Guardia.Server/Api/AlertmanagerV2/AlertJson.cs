using System.Globalization;
using System.Text.Json;
using Guardia.Core.Alerts;
using Guardia.Core.Inhibition;
using Guardia.Core.Silences;

namespace Guardia.Server.Api.AlertmanagerV2;

/// <summary>Writes alerts in the shape of Alertmanager's <c>gettableAlert</c>, field order included.</summary>
static class AlertJson
{
    public static void WriteGettable(Utf8JsonWriter w, Alert a, IReadOnlyList<string> receivers, AlertStatus status)
    {
        w.WriteStartObject();
        w.WritePropertyName("annotations"u8);
        WriteLabelSet(w, a.Annotations);
        w.WriteString("endsAt"u8, FormatTime(a.EndsAt));
        w.WriteString("fingerprint"u8, a.Fingerprint.ToString());
        w.WriteStartArray("receivers"u8);
        foreach (var r in receivers)
        {
            w.WriteStartObject();
            w.WriteString("name"u8, r);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("startsAt"u8, FormatTime(a.StartsAt));
        w.WriteStartObject("status"u8);
        WriteStrings(w, "inhibitedBy"u8, status.InhibitedBy);
        WriteStrings(w, "silencedBy"u8, status.SilencedBy);
        w.WriteString("state"u8, status.State);
        w.WriteEndObject();
        w.WriteString("updatedAt"u8, FormatTime(a.UpdatedAt));
        if (!string.IsNullOrEmpty(a.GeneratorUrl))
        {
            w.WriteString("generatorURL"u8, a.GeneratorUrl);
        }
        w.WritePropertyName("labels"u8);
        WriteLabelSet(w, a.Labels);
        w.WriteEndObject();
    }

    static void WriteStrings(Utf8JsonWriter w, ReadOnlySpan<byte> name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }

    public static void WriteLabelSet(Utf8JsonWriter w, LabelSet set)
    {
        w.WriteStartObject();
        for (var i = 0; i < set.Count; i++)
        {
            w.WriteString(set.NameAt(i), set.ValueAt(i));
        }
        w.WriteEndObject();
    }

    /// <summary>Formats a time as go-openapi does (RFC 3339 with milliseconds, UTC).</summary>
    public static string FormatTime(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>The suppression state of one alert, as API v2 reports it.</summary>
sealed record AlertStatus(string State, IReadOnlyList<string> SilencedBy, IReadOnlyList<string> InhibitedBy)
{
    public static AlertStatus Active { get; } = new("active", [], []);

    /// <summary>The status Alertmanager's API computes for a listed alert: silences first, then inhibition; suppressed when either mutes it.</summary>
    public static AlertStatus For(Alert alert, Silencer silencer, Inhibitor inhibitor, DateTimeOffset now)
    {
        var silencedBy = silencer.SilencedBy(alert.Labels, now);
        IReadOnlyList<string> inhibitedBy = inhibitor.InhibitedBy(alert.Labels, now) is { } fp ? [fp.ToString()] : [];
        return silencedBy.Count == 0 && inhibitedBy.Count == 0 ? Active : new AlertStatus("suppressed", silencedBy, inhibitedBy);
    }
}
