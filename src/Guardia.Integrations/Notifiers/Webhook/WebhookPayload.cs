using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Guardia.Core.Alerts;
using Guardia.Core.Notify;

namespace Guardia.Integrations.Notifiers.Webhook;

/// <summary>Writes Alertmanager's webhook message (version 4): the template data, then version, groupKey and truncatedAlerts.</summary>
public static class WebhookPayload
{
    static readonly SearchValues<char> Special = SearchValues.Create("\\.+*?()|[]{}^$");
    static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Serializes the message for <paramref name="alerts"/> (already truncated) of <paramref name="flush"/>.</summary>
    public static byte[] Write(Flush flush, IReadOnlyList<Alert> alerts, int truncated, string externalUrl)
    {
        ArgumentNullException.ThrowIfNull(flush);
        ArgumentNullException.ThrowIfNull(alerts);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            var anyFiring = false;
            foreach (var a in alerts)
            {
                anyFiring |= !a.ResolvedAt(flush.Now);
            }
            w.WriteStartObject();
            w.WriteString("receiver", GoQuoteMeta(flush.Receiver));
            w.WriteString("status", anyFiring ? "firing" : "resolved");
            w.WriteStartArray("alerts");
            foreach (var a in alerts)
            {
                w.WriteStartObject();
                w.WriteString("status", a.ResolvedAt(flush.Now) ? "resolved" : "firing");
                w.WritePropertyName("labels");
                WriteLabels(w, a.Labels);
                w.WritePropertyName("annotations");
                WriteLabels(w, a.Annotations);
                w.WriteString("startsAt", FormatTime(a.StartsAt));
                w.WriteString("endsAt", FormatTime(a.EndsAt));
                w.WriteString("generatorURL", a.GeneratorUrl ?? string.Empty);
                w.WriteString("fingerprint", a.Fingerprint.ToString());
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WritePropertyName("groupLabels");
            WriteLabels(w, flush.GroupLabels);
            w.WritePropertyName("commonLabels");
            WriteCommon(w, alerts, static a => a.Labels);
            w.WritePropertyName("commonAnnotations");
            WriteCommon(w, alerts, static a => a.Annotations);
            w.WriteString("externalURL", externalUrl);
            w.WriteString("version", "4");
            w.WriteString("groupKey", flush.GroupKey);
            w.WriteNumber("truncatedAlerts", truncated);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    static void WriteLabels(Utf8JsonWriter w, LabelSet labels)
    {
        // Go's encoding/json writes map keys sorted, which is the label set's own order.
        w.WriteStartObject();
        for (var i = 0; i < labels.Count; i++)
        {
            w.WriteString(labels.NameAt(i), labels.ValueAt(i));
        }
        w.WriteEndObject();
    }

    static void WriteCommon(Utf8JsonWriter w, IReadOnlyList<Alert> alerts, Func<Alert, LabelSet> select)
    {
        w.WriteStartObject();
        if (alerts.Count > 0)
        {
            var first = select(alerts[0]);
            for (var i = 0; i < first.Count; i++)
            {
                var name = first.NameAt(i);
                var value = first.ValueAt(i);
                var common = true;
                for (var k = 1; k < alerts.Count && common; k++)
                {
                    common = select(alerts[k]).TryGetValue(name, out var v) && v == value;
                }
                if (common)
                {
                    w.WriteString(name, value);
                }
            }
        }
        w.WriteEndObject();
    }

    /// <summary>Formats a time as Go's <c>time.Time</c> marshals to JSON (RFC 3339 with nanoseconds, trailing zeros dropped); the zero time for an unset one.</summary>
    public static string FormatTime(DateTimeOffset t)
    {
        if (t == default)
        {
            return "0001-01-01T00:00:00Z";
        }
        var utc = t.UtcDateTime;
        var s = utc.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture);
        var fraction = utc.Ticks % TimeSpan.TicksPerSecond;
        if (fraction != 0)
        {
            s += "." + (fraction * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        }
        return s + "Z";
    }

    /// <summary>Go's <c>regexp.QuoteMeta</c>, which Alertmanager applies to the receiver name in template data.</summary>
    public static string GoQuoteMeta(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.AsSpan().IndexOfAny(Special) < 0)
        {
            return s;
        }
        var sb = new StringBuilder(s.Length * 2);
        foreach (var c in s)
        {
            if (Special.Contains(c))
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.ToString();
    }
}
