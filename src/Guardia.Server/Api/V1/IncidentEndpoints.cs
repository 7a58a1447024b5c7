using System.Globalization;
using System.Text.Json.Nodes;
using Guardia.Core.Access;
using Guardia.Core.Incidents;
using Guardia.Server.Api.V1.Access;
using Guardia.Server.Hosting;
using static Guardia.Server.Api.V1.ApiJson;

namespace Guardia.Server.Api.V1;

/// <summary>API v1 for incidents: list, show (with timeline and pages), create, and every action of the lifecycle.
/// Reading takes a viewer token; acting takes a responder token, whose name the timeline records as the actor.</summary>
static class IncidentEndpoints
{
    public static IEndpointRouteBuilder MapIncidentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/incidents");
        group.MapGet("/", ListAsync).RequireGuardiaRole(Role.Viewer)
            .WithSummary("Incidents, newest first. Query: status (triggered, acknowledged, mitigated, resolved, closed), severity (P1..P4), limit (1..1000, default 100).");
        group.MapGet("/{id}", ShowAsync).RequireGuardiaRole(Role.Viewer)
            .WithSummary("One incident with its timeline and pages; timeline sentences in Spanish with ?lang=es or Accept-Language: es.");
        group.MapPost("/", CreateAsync).RequireGuardiaRole(Role.Responder).WithAuditKind("api.incident.create")
            .WithSummary("Opens a manual incident. Body: {\"title\", \"severity\" (P1..P4), \"service\", \"escalation_policy\", \"assignee\"}.");
        group.MapPost("/{id}/{action}", ActAsync).RequireGuardiaRole(Role.Responder)
            .WithSummary("An action: acknowledge, escalate, mitigate, resolve, close, reopen (no body); reassign and responder ({\"user\"}); role ({\"role\": commander|technical_lead|communications_lead|scribe, \"user\"}); severity ({\"severity\"}); note and status_update ({\"text\"}).");
        app.MapGet("/api/v1/oncall", OnCallAsync).RequireGuardiaRole(Role.Viewer)
            .WithSummary("Who is on call. Query: schedule (omit for every schedule), at (RFC 3339, default now).");
        return app;
    }

    static string ActorOf(HttpContext context) => context.GetGuardiaActor()?.Name ?? "anonymous";

    static async Task<IResult> ListAsync(HttpRequest request, IncidentService incidents, CancellationToken ct)
    {
        var q = request.Query;
        IncidentStatus? status = null;
        if (q["status"].ToString() is { Length: > 0 } s)
        {
            if (!Enum.TryParse<IncidentStatus>(s, ignoreCase: true, out var parsed) || int.TryParse(s, CultureInfo.InvariantCulture, out _))
            {
                return Error(400, $"status \"{s}\" is not one of triggered, acknowledged, mitigated, resolved, closed");
            }
            status = parsed;
        }
        Severity? severity = null;
        if (q["severity"].ToString() is { Length: > 0 } sev)
        {
            if (!TrySeverity(sev, out var parsed))
            {
                return Error(400, $"severity \"{sev}\" is not one of P1, P2, P3, P4");
            }
            severity = parsed;
        }
        var limit = 100;
        if (q["limit"].ToString() is { Length: > 0 } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
        {
            return Error(400, "limit must be a whole number from 1 to 1000");
        }
        var list = new JsonArray();
        foreach (var i in await incidents.Engine.ListAsync(new IncidentQuery(status, severity, limit), ct))
        {
            list.Add(ToJson(i));
        }
        return Json(list, 200);
    }

    static async Task<IResult> ShowAsync(string id, HttpRequest request, IncidentService incidents, CancellationToken ct)
    {
        var language = ApiProblem.PrefersSpanish(request) ? "es" : "en";
        var engine = incidents.Engine;
        if (await engine.GetAsync(id, ct) is not { } incident)
        {
            return Error(404, $"incident {id} does not exist");
        }
        var json = ToJson(incident);
        var timeline = new JsonArray();
        foreach (var e in await engine.GetTimelineAsync(id, ct))
        {
            var data = new JsonObject();
            foreach (var (k, v) in e.Data)
            {
                data[k] = v;
            }
            timeline.Add(new JsonObject
            {
                ["at"] = e.At.ToString("O", CultureInfo.InvariantCulture),
                ["actor"] = e.Actor,
                ["kind"] = Snake(e.Kind.ToString()),
                ["text"] = TimelineText.Localize(e, language),
                ["data"] = data,
            });
        }
        json["timeline"] = timeline;
        var pages = new JsonArray();
        foreach (var p in await engine.GetPagesAsync(id, ct))
        {
            pages.Add(new JsonObject
            {
                ["id"] = p.Id,
                ["level"] = p.Level + 1,
                ["level_name"] = p.LevelName,
                ["repeat"] = p.Repeat,
                ["user"] = p.UserId,
                ["reason"] = Snake(p.Reason.ToString()),
                ["state"] = Snake(p.State.ToString()),
                ["created_at"] = p.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                ["attempts"] = p.Attempts,
                ["error"] = p.Error,
            });
        }
        json["pages"] = pages;
        return Json(json, 200);
    }

    static async Task<IResult> CreateAsync(HttpContext context, IncidentService incidents, CancellationToken ct)
    {
        var (body, error) = await ReadObjectAsync(context.Request, emptyIsObject: false, ct);
        if (error is not null)
        {
            return error;
        }
        var severity = Severity.P3;
        if (Text(body!, "severity") is { } sev && !TrySeverity(sev, out severity))
        {
            return Error(400, $"severity \"{sev}\" is not one of P1, P2, P3, P4");
        }
        var draft = new IncidentDraft
        {
            Title = Text(body!, "title") ?? string.Empty,
            Severity = severity,
            Service = Text(body!, "service"),
            EscalationPolicy = Text(body!, "escalation_policy"),
            Assignee = Text(body!, "assignee"),
        };
        return await RunAsync(async () =>
        {
            var incident = await incidents.Engine.CreateAsync(draft, ActorOf(context), ct);
            incidents.RaiseOpened(incident, []);
            return incident;
        }, 201);
    }

    static async Task<IResult> ActAsync(string id, string action, HttpContext context, IncidentService incidents, CancellationToken ct)
    {
        var engine = incidents.Engine;
        var actor = ActorOf(context);
        JsonObject body = [];
        if (action is "reassign" or "responder" or "role" or "severity" or "note" or "status_update")
        {
            var (read, error) = await ReadObjectAsync(context.Request, emptyIsObject: false, ct);
            if (error is not null)
            {
                return error;
            }
            body = read!;
        }
        switch (action)
        {
            case "acknowledge":
                return await RunAsync(() => engine.AcknowledgeAsync(id, actor, ct));
            case "escalate":
                return await RunAsync(() => engine.EscalateNowAsync(id, actor, ct));
            case "mitigate":
                return await RunAsync(() => engine.MitigateAsync(id, actor, ct));
            case "resolve":
                return await RunAsync(() => engine.ResolveAsync(id, actor, ct));
            case "close":
                return await RunAsync(() => engine.CloseAsync(id, actor, ct));
            case "reopen":
                return await RunAsync(() => engine.ReopenAsync(id, actor, ct));
            case "reassign":
                return Text(body, "user") is { } to ? await RunAsync(() => engine.ReassignAsync(id, to, actor, ct)) : Error(400, "reassign needs {\"user\": \"<user id>\"}");
            case "responder":
                return Text(body, "user") is { } who ? await RunAsync(() => engine.AddResponderAsync(id, who, actor, ct)) : Error(400, "responder needs {\"user\": \"<user id>\"}");
            case "role":
                if (Text(body, "role") is not { } roleName || !TryRole(roleName, out var role))
                {
                    return Error(400, "role needs {\"role\": \"commander|technical_lead|communications_lead|scribe\", \"user\": \"<user id>\"} (user null clears it)");
                }
                var holder = Text(body, "user");
                return await RunAsync(() => engine.SetRoleAsync(id, role, holder, actor, ct));
            case "severity":
                return Text(body, "severity") is { } sv && TrySeverity(sv, out var severity)
                    ? await RunAsync(() => engine.ChangeSeverityAsync(id, severity, actor, ct))
                    : Error(400, "severity needs {\"severity\": \"P1|P2|P3|P4\"}");
            case "note":
                return Text(body, "text") is { Length: > 0 } note ? await RunAsync(() => engine.AddNoteAsync(id, note, actor, ct)) : Error(400, "note needs {\"text\": \"...\"}");
            case "status_update":
                return Text(body, "text") is { Length: > 0 } update ? await RunAsync(() => engine.PostStatusUpdateAsync(id, update, actor, ct)) : Error(400, "status_update needs {\"text\": \"...\"}");
            default:
                return Error(404, $"unknown action \"{action}\": acknowledge, escalate, mitigate, resolve, close, reopen, reassign, responder, role, severity, note, status_update");
        }
    }

    static IResult OnCallAsync(HttpRequest request, ConfigHolder config, TimeProvider time)
    {
        var at = time.GetUtcNow();
        if (request.Query["at"].ToString() is { Length: > 0 } text
            && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at))
        {
            return Error(400, $"at \"{text}\" is not an RFC 3339 time such as 2026-11-30T09:00:00-05:00");
        }
        var onCall = config.Current.OnCall;
        var wanted = request.Query["schedule"].ToString();
        if (wanted.Length > 0 && !onCall.Schedules.ContainsKey(wanted))
        {
            return Error(404, $"schedule \"{wanted}\" does not exist; schedules: {string.Join(", ", onCall.Schedules.Keys.Order(StringComparer.Ordinal))}");
        }
        var result = new JsonArray();
        foreach (var schedule in onCall.Schedules.Values.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            if (wanted.Length > 0 && schedule.Id != wanted)
            {
                continue;
            }
            var state = Core.OnCall.OnCallResolver.WhoIsOnCall(schedule, at);
            var layers = new JsonArray();
            foreach (var l in state.Layers)
            {
                layers.Add(new JsonObject
                {
                    ["layer"] = l.Layer,
                    ["user"] = l.UserId,
                    ["shift_start"] = l.ShiftStart?.ToString("O", CultureInfo.InvariantCulture),
                    ["shift_end"] = l.ShiftEnd.ToString("O", CultureInfo.InvariantCulture),
                    ["overridden"] = l.Overridden,
                });
            }
            var next = Core.OnCall.OnCallResolver.NextHandoff(schedule, at);
            result.Add(new JsonObject
            {
                ["schedule"] = schedule.Id,
                ["name"] = schedule.Name,
                ["at"] = at.ToString("O", CultureInfo.InvariantCulture),
                ["layers"] = layers,
                ["final"] = new JsonArray([.. state.Final.Select(u => (JsonNode?)u)]),
                ["next_handoff"] = next?.ToString("O", CultureInfo.InvariantCulture),
            });
        }
        return Json(result, 200);
    }

    static async Task<IResult> RunAsync(Func<Task<Incident>> action, int status = 200)
    {
        try
        {
            return Json(ToJson(await action()), status);
        }
        catch (IncidentException ex)
        {
            return Error(ex.Error switch
            {
                IncidentError.NotFound => 404,
                IncidentError.InvalidTransition => 409,
                IncidentError.InvalidToken => 403,
                _ => 400,
            }, ex.Message);
        }
    }

    static string? Text(JsonObject body, string field) =>
        body[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    static bool TrySeverity(string text, out Severity severity) =>
        Enum.TryParse(text, ignoreCase: true, out severity) && !int.TryParse(text, CultureInfo.InvariantCulture, out _) && Enum.IsDefined(severity);

    static bool TryRole(string text, out IncidentRole role) =>
        Enum.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out role)
        && !int.TryParse(text, CultureInfo.InvariantCulture, out _) && Enum.IsDefined(role);

    /// <summary>PascalCase enum names as the API's snake_case.</summary>
    internal static string Snake(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                sb.Append('_');
            }
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }

    internal static JsonObject ToJson(Incident i)
    {
        var roles = new JsonObject();
        foreach (var (role, user) in i.Roles)
        {
            roles[Snake(role.ToString())] = user;
        }
        return new JsonObject
        {
            ["id"] = i.Id,
            ["title"] = i.Title,
            ["severity"] = i.Severity.ToString(),
            ["status"] = Snake(i.Status.ToString()),
            ["policy"] = i.Policy,
            ["escalation_policy"] = i.EscalationPolicy,
            ["service"] = i.Service,
            ["group_key"] = i.GroupKey,
            ["created_by"] = i.CreatedBy,
            ["created_at"] = i.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["acknowledged_at"] = i.AcknowledgedAt?.ToString("O", CultureInfo.InvariantCulture),
            ["acknowledged_by"] = i.AcknowledgedBy,
            ["mitigated_at"] = i.MitigatedAt?.ToString("O", CultureInfo.InvariantCulture),
            ["resolved_at"] = i.ResolvedAt?.ToString("O", CultureInfo.InvariantCulture),
            ["closed_at"] = i.ClosedAt?.ToString("O", CultureInfo.InvariantCulture),
            ["assignee"] = i.Assignee,
            ["responders"] = new JsonArray([.. i.Responders.Select(r => (JsonNode?)r)]),
            ["roles"] = roles,
            ["alerts"] = i.Alerts.Count,
            ["escalation"] = new JsonObject
            {
                ["level"] = i.Escalation.Level + 1,
                ["repeat"] = i.Escalation.Repeat,
                ["next_due_at"] = i.Escalation.NextDueAt?.ToString("O", CultureInfo.InvariantCulture),
                ["exhausted"] = i.Escalation.Exhausted,
            },
            ["response_due_at"] = i.ResponseDueAt.ToString("O", CultureInfo.InvariantCulture),
            ["response_target_breached"] = i.ResponseTargetBreached,
            ["time_to_acknowledge_seconds"] = i.TimeToAcknowledge?.TotalSeconds,
            ["time_to_mitigate_seconds"] = i.TimeToMitigate?.TotalSeconds,
            ["time_to_resolve_seconds"] = i.TimeToResolve?.TotalSeconds,
        };
    }
}
