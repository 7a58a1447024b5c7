using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

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
/// The HTTP endpoint the webhook receiver of the server under test points at: Kestrel on 127.0.0.1 and a
/// kernel-chosen port. It parses every body as Alertmanager's webhook payload (version "4"), hands each
/// one to the scenario, and always answers 200 so that no retry of the server skews what is measured;
/// a body that is not such a payload is counted and reported instead.
/// </summary>
sealed class WebhookSink : IAsyncDisposable
{
    const string Path = "/bench-hook";

    readonly WebApplication _app;
    readonly string _keyLabel;
    readonly Action<Delivery> _onDelivery;
    int _webhooks;
    int _alertEntries;
    int _malformed;
    int _notFiring;
    string? _firstMalformed;

    WebhookSink(WebApplication app, string keyLabel, Action<Delivery> onDelivery)
    {
        _app = app;
        _keyLabel = keyLabel;
        _onDelivery = onDelivery;
    }

    /// <summary>The URL to put in the server's <c>webhook_configs</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Webhooks received so far, well-formed or not.</summary>
    public int Webhooks => Volatile.Read(ref _webhooks);

    public SinkStats Stats() => new(Webhooks, Volatile.Read(ref _alertEntries), Volatile.Read(ref _malformed), Volatile.Read(ref _firstMalformed), Volatile.Read(ref _notFiring));

    /// <summary>Starts listening; <paramref name="onDelivery"/> runs on the request's thread, concurrently.</summary>
    public static async Task<WebhookSink> StartAsync(string keyLabel, Action<Delivery> onDelivery, CancellationToken ct)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        var sink = new WebhookSink(app, keyLabel, onDelivery);
        app.Run(sink.HandleAsync);
        await app.StartAsync(ct);
        var address = app.Urls.FirstOrDefault() ?? throw new BenchException("The webhook sink started but reports no address.");
        sink.Url = new Uri(new Uri(address), Path);
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Connections the server under test kept open are cut when the app is disposed below.
        }
        await _app.DisposeAsync();
    }

    async Task HandleAsync(HttpContext context)
    {
        // Taken first: the figure is "when the webhook reached us", not "when we finished reading it".
        var arrival = Stopwatch.GetTimestamp();
        if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path != Path)
        {
            Malformed($"{context.Request.Method} {context.Request.Path}: expected POST {Path}");
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        using var buffer = new MemoryStream((int)Math.Min(context.Request.ContentLength ?? 4096, 64 << 20));
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        Interlocked.Increment(ref _webhooks);
        var delivery = Parse(arrival, new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length), out var problem);
        if (delivery is null)
        {
            Malformed(problem!);
        }
        else
        {
            Interlocked.Add(ref _alertEntries, delivery.Keys.Length);
            if (delivery.Status != "firing")
            {
                Interlocked.Increment(ref _notFiring);
            }
            _onDelivery(delivery);
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    void Malformed(string problem)
    {
        Interlocked.Increment(ref _malformed);
        Interlocked.CompareExchange(ref _firstMalformed, problem, null);
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
                keys[i++] = labels.TryGetProperty(_keyLabel, out var key) && key.ValueKind == JsonValueKind.String ? key.GetString() : null;
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
