using System.Text.Json;

namespace Guardia.Bench;

/// <summary>
/// One webhook as the sink received it: the Stopwatch timestamp taken when its request reached the
/// handler (before the body was read), its <c>groupKey</c> and <c>status</c>, and for each entry of
/// <c>alerts[]</c> the value of the scenario's key label (null when the alert lacks it).
/// </summary>
sealed record Delivery(long ArrivalTimestamp, string GroupKey, string Status, string?[] Keys);

/// <summary>What the sink saw over its lifetime, whatever the scenario made of it.</summary>
sealed record SinkStats(int Webhooks, int AlertEntries, int Malformed, string? FirstMalformed, int NotFiring);

/// <summary>
/// The endpoint the webhook receiver of the server under test points at. It parses every body as Alertmanager's
/// webhook payload (version "4") and hands each one to the scenario.
/// </summary>
sealed class WebhookSink(string keyLabel, Action<Delivery> onDelivery) : LoopbackSink("/bench-hook")
{
    int _alertEntries;
    int _notFiring;

    /// <summary>Webhooks received so far, well-formed or not.</summary>
    public int Webhooks => Requests;

    public SinkStats Stats() => new(Webhooks, Volatile.Read(ref _alertEntries), Malformed, FirstMalformed, Volatile.Read(ref _notFiring));

    /// <summary>Starts listening; <paramref name="onDelivery"/> runs on the request's thread, concurrently.</summary>
    public static Task<WebhookSink> StartAsync(string keyLabel, Action<Delivery> onDelivery, CancellationToken ct) =>
        StartAsync(new WebhookSink(keyLabel, onDelivery), ct);

    protected override string? Accept(Arrival arrival, ReadOnlyMemory<byte> body)
    {
        var delivery = Parse(arrival.Timestamp, body, out var problem);
        if (delivery is null)
        {
            return problem;
        }
        Interlocked.Add(ref _alertEntries, delivery.Keys.Length);
        if (delivery.Status != "firing")
        {
            Interlocked.Increment(ref _notFiring);
        }
        onDelivery(delivery);
        return null;
    }

    Delivery? Parse(long arrival, ReadOnlyMemory<byte> body, out string? problem)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = $"webhook body is a JSON {root.ValueKind}, not an object";
                return null;
            }
            if (!root.TryGetProperty("version", out var version) || !version.ValueEquals("4"))
            {
                problem = "webhook payload has no \"version\": \"4\"";
                return null;
            }
            if (!root.TryGetProperty("groupKey", out var groupKey) || groupKey.ValueKind != JsonValueKind.String)
            {
                problem = "webhook payload has no string \"groupKey\"";
                return null;
            }
            if (!root.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String)
            {
                problem = "webhook payload has no string \"status\"";
                return null;
            }
            if (!root.TryGetProperty("alerts", out var alerts) || alerts.ValueKind != JsonValueKind.Array)
            {
                problem = "webhook payload has no \"alerts\" array";
                return null;
            }
            var keys = new string?[alerts.GetArrayLength()];
            var i = 0;
            foreach (var alert in alerts.EnumerateArray())
            {
                if (!alert.TryGetProperty("labels", out var labels) || labels.ValueKind != JsonValueKind.Object)
                {
                    problem = $"alerts[{i}] has no \"labels\" object";
                    return null;
                }
                keys[i++] = labels.TryGetProperty(keyLabel, out var key) && key.ValueKind == JsonValueKind.String ? key.GetString() : null;
            }
            problem = null;
            return new Delivery(arrival, groupKey.GetString()!, status.GetString()!, keys);
        }
        catch (JsonException e)
        {
            problem = $"webhook body is not JSON: {e.Message}";
            return null;
        }
    }
}
