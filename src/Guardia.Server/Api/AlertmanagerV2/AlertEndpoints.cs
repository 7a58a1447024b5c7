using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Guardia.Core.Alerts;
using Guardia.Core.Dispatch;
using Guardia.Core.Inhibition;
using Guardia.Core.Silences;
using Guardia.Server.Hosting;
using Guardia.Server.Observability;

namespace Guardia.Server.Api.AlertmanagerV2;

/// <summary>The alert endpoints of Alertmanager's API v2: <c>POST/GET /api/v2/alerts</c>.</summary>
static class AlertEndpoints
{
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static IEndpointRouteBuilder MapAlertEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v2/alerts", PostAlertsAsync);
        app.MapGet("/api/v2/alerts", GetAlertsAsync);
        app.MapGet("/api/v2/alerts/groups", GetAlertGroupsAsync);
        return app;
    }

    static async Task PostAlertsAsync(HttpContext ctx, AlertStore store, ConfigHolder config, TimeProvider time, GuardiaMetrics metrics, ServeOptions options)
    {
        var (body, length, tooLarge) = await RequestBody.ReadAsync(ctx.Request, options.MaxRequestBodyBytes, ctx.RequestAborted);
        if (tooLarge)
        {
            metrics.RequestsRejected.WithLabels("too_large").Inc();
            await WriteErrorAsync(ctx, 413, 413, $"request body exceeds the limit of {options.MaxRequestBodyBytes} bytes (--web.max-request-body-bytes)");
            return;
        }
        try
        {
            var (posted, error) = PostableAlertReader.Read(body.AsSpan(0, length), LabelStringPool.Shared);
            if (error is not null)
            {
                metrics.RequestsRejected.WithLabels(error.StatusCode == 422 ? "schema" : "malformed").Inc();
                await WriteErrorAsync(ctx, error.StatusCode, error.Code, error.Message);
                return;
            }
            var now = time.GetUtcNow();
            var resolveTimeout = config.Current.ResolveTimeout;
            var valid = new List<Alert>(posted!.Count);
            List<string>? errors = null;
            for (var i = 0; i < posted.Count; i++)
            {
                var p = posted[i];
                var (alert, problem) = AlertIntake.Prepare(p.Labels!, p.Annotations, p.StartsAt, p.EndsAt, p.GeneratorUrl, now, resolveTimeout);
                if (alert is null)
                {
                    (errors ??= []).Add($"alerts[{i}] {p.Labels}: {problem}");
                    continue;
                }
                valid.Add(alert);
            }
            var firing = 0;
            foreach (var a in valid)
            {
                if (!a.ResolvedAt(now))
                {
                    firing++;
                }
            }
            metrics.AlertsReceived.WithLabels("firing").Inc(firing);
            metrics.AlertsReceived.WithLabels("resolved").Inc(valid.Count - firing);
            // Alertmanager stores the valid alerts of a mixed batch and reports the invalid ones with 400.
            await store.PutAsync(valid, now);
            if (errors is not null)
            {
                metrics.AlertsInvalid.Inc(errors.Count);
                ctx.Response.StatusCode = 400;
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync(JsonSerializer.Serialize(string.Join("; ", errors), ApiJsonContext.Relaxed.String) + "\n", ctx.RequestAborted);
                return;
            }
            ctx.Response.StatusCode = 200;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    internal static async Task WriteErrorAsync(HttpContext ctx, int status, int code, string message)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(JsonSerializer.Serialize(new ApiError(code, message), ApiJsonContext.Relaxed.ApiError), ctx.RequestAborted);
    }

    /// <summary>The query parameters shared by the alert and group listings.</summary>
    sealed record Listing(AlertQuery Query, bool Active, bool Silenced, bool Inhibited)
    {
        /// <summary>Alertmanager's alertFilter: not ended, state filters, then label matchers.</summary>
        public bool Includes(Alert a, AlertStatus status, DateTimeOffset now) =>
            !(a.EndsAt != default && a.EndsAt < now) &&
            !(!Active && status.State == "active") &&
            !(!Silenced && status.SilencedBy.Count > 0) &&
            !(!Inhibited && status.InhibitedBy.Count > 0) &&
            Query.MatchesLabels(a.Labels);
    }

    static async Task<Listing?> ReadListingAsync(HttpContext ctx)
    {
        var q = ctx.Request.Query;
        if (!TryBool(q, "active", out var active) || !TryBool(q, "silenced", out var silenced) ||
            !TryBool(q, "inhibited", out var inhibited) || !TryBool(q, "unprocessed", out _))
        {
            await WriteErrorAsync(ctx, 400, 400, "active, silenced, inhibited and unprocessed must be true or false");
            return null;
        }
        var query = AlertQuery.Create(q["filter"], q["receiver"].ToString());
        if (query.Error is not null)
        {
            // Alertmanager answers a bad filter with a bare JSON string, not the {code,message} object.
            ctx.Response.StatusCode = 400;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(JsonSerializer.Serialize(query.Error, ApiJsonContext.Relaxed.String) + "\n", ctx.RequestAborted);
            return null;
        }
        return new Listing(query, active, silenced, inhibited);
    }

    static async Task GetAlertsAsync(HttpContext ctx, AlertStore store, ConfigHolder config, TimeProvider time, Silencer silencer, Inhibitor inhibitor)
    {
        if (await ReadListingAsync(ctx) is not { } listing)
        {
            return;
        }
        var now = time.GetUtcNow();
        var snapshot = config.Current;
        var alerts = store.Snapshot();
        Array.Sort(alerts, static (a, b) => a.Fingerprint.CompareTo(b.Fingerprint));
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter, WriterOptions);
        w.WriteStartArray();
        foreach (var a in alerts)
        {
            var status = AlertStatus.For(a, silencer, inhibitor, now);
            if (!listing.Includes(a, status, now))
            {
                continue;
            }
            var receivers = snapshot.ReceiversFor(a.Labels);
            if (!listing.Query.MatchesReceivers(receivers))
            {
                continue;
            }
            AlertJson.WriteGettable(w, a, receivers, status);
            if (w.BytesPending > 32 * 1024)
            {
                await w.FlushAsync(ctx.RequestAborted);
            }
        }
        w.WriteEndArray();
        await w.FlushAsync(ctx.RequestAborted);
    }

    static async Task GetAlertGroupsAsync(HttpContext ctx, AlertStore store, ConfigHolder config, TimeProvider time, Silencer silencer, Inhibitor inhibitor)
    {
        if (await ReadListingAsync(ctx) is not { } listing)
        {
            return;
        }
        var now = time.GetUtcNow();
        var snapshot = config.Current;
        var statuses = new Dictionary<Fingerprint, AlertStatus>();
        AlertStatus StatusOf(Alert a)
        {
            if (!statuses.TryGetValue(a.Fingerprint, out var status))
            {
                status = AlertStatus.For(a, silencer, inhibitor, now);
                statuses[a.Fingerprint] = status;
            }
            return status;
        }
        var groups = AlertGroupListing.Build(store.Snapshot(), snapshot.Route, (a, route) =>
            listing.Query.MatchesReceivers([route.Options.Receiver]) && listing.Includes(a, StatusOf(a), now));
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter, WriterOptions);
        w.WriteStartArray();
        foreach (var g in groups)
        {
            w.WriteStartObject();
            w.WriteStartArray("alerts"u8);
            foreach (var a in g.Alerts)
            {
                AlertJson.WriteGettable(w, a, snapshot.ReceiversFor(a.Labels), StatusOf(a));
            }
            w.WriteEndArray();
            w.WritePropertyName("labels"u8);
            AlertJson.WriteLabelSet(w, g.Labels);
            w.WriteStartObject("receiver"u8);
            w.WriteString("name"u8, g.Receiver);
            w.WriteEndObject();
            w.WriteEndObject();
            if (w.BytesPending > 32 * 1024)
            {
                await w.FlushAsync(ctx.RequestAborted);
            }
        }
        w.WriteEndArray();
        await w.FlushAsync(ctx.RequestAborted);
    }

    static bool TryBool(IQueryCollection q, string name, out bool value)
    {
        value = true;
        var raw = q[name];
        return raw.Count == 0 || bool.TryParse(raw[0], out value);
    }
}

/// <summary>Reads a request body into a pooled buffer, enforcing the size limit.</summary>
static class RequestBody
{
    public static async Task<(byte[] Buffer, int Length, bool TooLarge)> ReadAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength is { } declared && declared > limit)
        {
            return ([], 0, true);
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 64 * 1024, limit) + 1);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return ([], 0, true);
                }
                var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                buffer.AsSpan(0, length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = bigger;
            }
            var n = await request.Body.ReadAsync(buffer.AsMemory(length), ct);
            if (n == 0)
            {
                break;
            }
            length += n;
        }
        if (length > limit)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return ([], 0, true);
        }
        return (buffer, length, false);
    }
}
