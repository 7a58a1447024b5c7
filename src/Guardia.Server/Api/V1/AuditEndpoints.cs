using System.Globalization;
using System.Text.Json.Nodes;
using Guardia.Core.Access;
using Guardia.Core.Audit;
using Guardia.Server.Api.V1.Access;
using static Guardia.Server.Api.V1.ApiJson;

namespace Guardia.Server.Api.V1;

/// <summary><c>GET /api/v1/audit</c>: the audit log, newest first, filtered by time, actor and kind.</summary>
/// <remarks>Admin only: the log names every token and the addresses they come from, which is a map of who can change
/// what. Compliance reviewers without a token use <c>guardia audit export</c> on the database file.</remarks>
static class AuditEndpoints
{
    const int DefaultLimit = 100;
    const int MaxLimit = 10_000;

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/audit", QueryAsync)
            .RequireGuardiaRole(Role.Admin)
            .WithSummary("Audit events, newest first. Query: since, until (RFC 3339), actor, kind (prefix: api.silence), limit (default 100, at most 10000).")
            .Produces(200, contentType: "application/json")
            .Produces(400, contentType: "application/json");
        return app;
    }

    static async Task<IResult> QueryAsync(HttpRequest request, IAuditLog log, CancellationToken ct)
    {
        var q = request.Query;
        if (!TryTime(q["since"], out var since) || !TryTime(q["until"], out var until))
        {
            return Error(400, "since and until take RFC 3339 times such as 2026-01-31T00:00:00Z");
        }
        var limit = DefaultLimit;
        if (q["limit"].ToString() is { Length: > 0 } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return Error(400, $"limit must be a whole number from 1 to {MaxLimit}");
        }
        var filter = new AuditFilter
        {
            Since = since,
            Until = until,
            Actor = Empty(q["actor"].ToString()),
            Kind = Empty(q["kind"].ToString()),
            Limit = limit,
            NewestFirst = true,
        };
        var events = new JsonArray();
        foreach (var e in await log.QueryAsync(filter, ct))
        {
            events.Add(ToJson(e));
        }
        return Results.Text(events.ToJsonString(ApiProblem.Readable), "application/json", System.Text.Encoding.UTF8, 200);
    }

    internal static JsonObject ToJson(AuditEvent e)
    {
        JsonNode? details;
        try
        {
            details = JsonNode.Parse(e.Details);
        }
        catch (System.Text.Json.JsonException)
        {
            details = e.Details; // an edited row; verify will say so
        }
        return new JsonObject
        {
            ["sequence"] = e.Sequence,
            ["at"] = e.At.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["actor"] = e.Actor,
            ["kind"] = e.Kind,
            ["target"] = e.Target,
            ["details"] = details,
            ["previousHash"] = e.PreviousHash,
            ["hash"] = e.Hash,
        };
    }

    static bool TryTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            time = t;
            return true;
        }
        return false;
    }

    static string? Empty(string text) => text.Length == 0 ? null : text;
}
