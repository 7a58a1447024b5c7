using System.Globalization;
using System.Text.Json.Nodes;
using Guardia.Core.Audit;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Guardia.Server.Api.V1.Access;

/// <summary>Appends an audit event for every change made through the API: POST, PUT, PATCH and DELETE under
/// <c>/api/v1</c>, the silence endpoints of <c>/api/v2</c>, and <c>POST /-/reload</c>.</summary>
/// <remarks>The event is appended when the response starts, before the caller sees the answer: a change that was
/// answered is on record. Not audited: <c>POST /api/v2/alerts</c> (alert ingestion is data arriving thousands of
/// times a second, not a change anyone made; the alert journal keeps it), requests refused with 401 (no known
/// caller, and recording them would let anyone fill the log), and routes that match no endpoint.</remarks>
sealed class AuditTrailMiddleware(RequestDelegate next, IAuditLog log, TimeProvider time, ILogger<AuditTrailMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsAudited(context.Request) || context.GetEndpoint() is not { } endpoint)
        {
            await next(context);
            return;
        }
        var recorded = 0;
        async Task RecordAsync()
        {
            if (Interlocked.Exchange(ref recorded, 1) == 0 && context.Response.StatusCode != StatusCodes.Status401Unauthorized)
            {
                await AppendAsync(context, endpoint);
            }
        }
        context.Response.OnStarting(RecordAsync);
        try
        {
            await next(context);
        }
        catch
        {
            if (!context.Response.HasStarted)
            {
                // What the server will answer for the exception.
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }
            await RecordAsync();
            throw;
        }
        // A response with no body (204) may not have started yet.
        await RecordAsync();
    }

    async Task AppendAsync(HttpContext context, Endpoint endpoint)
    {
        var request = context.Request;
        var actor = context.GetGuardiaActor();
        var routeValues = context.Request.RouteValues;
        var fields = new JsonObject
        {
            ["method"] = request.Method,
            ["path"] = request.Path.Value,
            ["status"] = context.Response.StatusCode,
            ["role"] = actor is null ? null : Core.Access.RoleNames.Name(actor.Role),
            ["remote"] = context.Connection.RemoteIpAddress?.ToString(),
        };
        foreach (var (k, v) in routeValues)
        {
            fields["route." + k] = Convert.ToString(v, CultureInfo.InvariantCulture);
        }
        foreach (var (k, v) in request.Query)
        {
            // Query parameters named like secrets (token, password…) are redacted by AuditDetails.
            fields["query." + k] = v.ToString();
        }
        var target = routeValues.Count > 0
            ? string.Join(',', routeValues.Select(kv => Convert.ToString(kv.Value, CultureInfo.InvariantCulture)))
            : request.Path.Value ?? string.Empty;
        var entry = new AuditEntry(
            time.GetUtcNow(),
            actor?.Name ?? $"anonymous ({context.Connection.RemoteIpAddress})",
            endpoint.Metadata.GetMetadata<AuditKind>()?.Kind ?? DeriveKind(request.Method, (endpoint as RouteEndpoint)?.RoutePattern),
            target,
            AuditDetails.Of(fields));
        try
        {
            // Not the request's token: once the change is made, a client hanging up must not drop its record.
            await log.AppendAsync(entry, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not append the audit event {Kind} by {Actor} on {Target}", entry.Kind, entry.Actor, entry.Target);
        }
    }

    internal static bool IsAlertIngestion(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Equals("/api/v2/alerts", StringComparison.OrdinalIgnoreCase);

    internal static bool IsAudited(HttpRequest request)
    {
        var m = request.Method;
        if (!(HttpMethods.IsPost(m) || HttpMethods.IsPut(m) || HttpMethods.IsPatch(m) || HttpMethods.IsDelete(m)))
        {
            return false;
        }
        var path = request.Path;
        return path.StartsWithSegments("/api/v1", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/api/v2/silences", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/api/v2/silence", StringComparison.OrdinalIgnoreCase)
            || path.Equals("/-/reload", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary><c>api.</c>, the route's literal segments after the version (plural resources made singular), then the
    /// action: a literal after the last parameter (<c>…/{id}/replay</c>: <c>replay</c>) or the method's verb.</summary>
    internal static string DeriveKind(string method, RoutePattern? pattern)
    {
        var verb = HttpMethods.IsPost(method) ? "create" : HttpMethods.IsDelete(method) ? "delete" : "update";
        if (pattern is null)
        {
            return "api." + verb;
        }
        var literals = new List<string>();
        var action = verb;
        var sawParameter = false;
        var lastIsLiteral = false;
        foreach (var segment in pattern.PathSegments)
        {
            lastIsLiteral = segment.IsSimple && segment.Parts[0] is RoutePatternLiteralPart;
            if (lastIsLiteral)
            {
                literals.Add(((RoutePatternLiteralPart)segment.Parts[0]).Content.ToLowerInvariant());
            }
            else
            {
                sawParameter = true;
            }
        }
        if (lastIsLiteral && sawParameter)
        {
            // …/{id}/replay: the trailing literal is the action.
            action = literals[^1];
            literals.RemoveAt(literals.Count - 1);
        }
        var start = literals.Count >= 2 && literals[0] == "api" && literals[1].StartsWith('v') ? 2 : literals.Count >= 1 && literals[0] == "-" ? 1 : 0;
        var parts = literals.Skip(start).Select(Singular).ToList();
        if (parts.Count == 1 && parts[0] == "reload")
        {
            return "api.reload";
        }
        return "api." + string.Join('.', [.. parts, action]);
    }

    static string Singular(string word) =>
        word.Length > 3 && word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("us", StringComparison.Ordinal) ? word[..^1] : word;
}
