using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardia.Core.Access;
using Guardia.Core.Configuration;
using Guardia.Core.Runbooks;
using Guardia.Server.Api.V1.Access;
using Guardia.Server.Hosting;
using Guardia.Server.Runbooks;
using static Guardia.Server.Api.V1.ApiJson;

namespace Guardia.Server.Api.V1;

/// <summary>API v1 for runbooks: the catalog, dry-runs, and runs with their approvals, confirmations and
/// cancellation. Reading and dry-running take a viewer token; running and approving take a responder token, whose
/// name is the requester or approver (the runner refuses a requester approving their own run, and the same person
/// approving twice).</summary>
static class RunbookEndpoints
{
    public static IEndpointRouteBuilder MapRunbookEndpoints(this IEndpointRouteBuilder app)
    {
        var runbooks = app.MapGroup("/api/v1/runbooks");
        runbooks.MapGet("/", List).RequireGuardiaRole(Role.Viewer)
            .WithSummary("The runbooks of the configured directory.");
        runbooks.MapGet("/{id}", Show).RequireGuardiaRole(Role.Viewer)
            .WithSummary("One runbook: parameters and steps by section.");
        runbooks.MapPost("/{id}/dry-run", DryRunAsync).RequireGuardiaRole(Role.Viewer).WithAuditKind("api.runbook.dry_run")
            .WithSummary("Describes every step with parameters resolved; nothing runs. Body: {\"parameters\": {NAME: value}, \"sections\": [diagnosis, ...], \"auto_only\": false}.");
        runbooks.MapPost("/{id}/runs", StartAsync).RequireGuardiaRole(Role.Responder).WithAuditKind("api.runbook.run")
            .WithSummary("Starts a run; 202 with the run. Body: {\"parameters\": {NAME: value}, \"sections\": [...], \"incident\": \"INC-1\", \"auto_only\": false}.");
        var runs = app.MapGroup("/api/v1/runbook-runs");
        runs.MapGet("/", ListRunsAsync).RequireGuardiaRole(Role.Viewer)
            .WithSummary("The newest runs (?limit=, default 100): those of this process and the finished ones kept in the store (runbooks.keep_finished_runs).");
        runs.MapGet("/{runId}", ShowRunAsync).RequireGuardiaRole(Role.Viewer)
            .WithSummary("One run with its steps and their results.");
        runs.MapPost("/{runId}/steps/{stepId}/approve", ApproveAsync).RequireGuardiaRole(Role.Responder).WithAuditKind("api.runbook.approve")
            .WithSummary("Approves a step waiting for approval; the approver is the token's name.");
        runs.MapPost("/{runId}/steps/{stepId}/confirm", ConfirmAsync).RequireGuardiaRole(Role.Responder).WithAuditKind("api.runbook.confirm")
            .WithSummary("Confirms a manual step waiting for a person.");
        runs.MapPost("/{runId}/cancel", CancelAsync).RequireGuardiaRole(Role.Responder).WithAuditKind("api.runbook.cancel")
            .WithSummary("Cancels a run: the running step stops and nothing after it runs.");
        return app;
    }

    static string ActorOf(HttpContext context) => context.GetGuardiaActor()?.Name ?? "anonymous";

    static IResult List(RunbookService service)
    {
        var list = new JsonArray();
        foreach (var r in service.Catalog.Runbooks)
        {
            list.Add(new JsonObject
            {
                ["id"] = r.Id,
                ["title"] = r.Title,
                ["file"] = Path.GetFileName(r.File),
                ["services"] = Strings(r.Services),
                ["alerts"] = Strings(r.Alerts),
                ["steps"] = r.Steps.Count,
                ["auto_steps"] = r.AutoDiagnosisSteps.Count,
            });
        }
        return Json(list, 200);
    }

    static IResult Show(string id, RunbookService service)
    {
        if (service.Catalog.Get(id) is not { } r)
        {
            return UnknownRunbook(service, id);
        }
        var parameters = new JsonArray();
        foreach (var p in r.Parameters)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = p.Name,
                ["type"] = RunbookParser.TypeName(p.Type),
                ["pattern"] = p.Pattern,
                ["default"] = p.Secret && p.Default is not null ? Secret.Redacted : p.Default,
                ["required"] = p.Required,
                ["secret"] = p.Secret,
                ["description"] = p.Description,
            });
        }
        var steps = new JsonArray();
        foreach (var s in r.Steps)
        {
            steps.Add(new JsonObject
            {
                ["id"] = s.Id,
                ["kind"] = s.Kind,
                ["title"] = s.Title,
                ["section"] = Section(s.Section),
                ["auto"] = s.Auto,
                ["approvals"] = s.Approvals,
                ["when"] = s.When.ToString(),
                ["timeout_seconds"] = s.Timeout.TotalSeconds,
                ["body"] = s.Body,
            });
        }
        return Json(new JsonObject
        {
            ["id"] = r.Id,
            ["title"] = r.Title,
            ["file"] = Path.GetFileName(r.File),
            ["services"] = Strings(r.Services),
            ["alerts"] = Strings(r.Alerts),
            ["owners"] = Strings(r.Owners),
            ["preconditions"] = Strings(r.Preconditions),
            ["validation"] = new JsonObject
            {
                ["interval_seconds"] = r.Validation.Interval.TotalSeconds,
                ["deadline_seconds"] = r.Validation.Deadline.TotalSeconds,
            },
            ["parameters"] = parameters,
            ["steps"] = steps,
        }, 200);
    }

    static async Task<IResult> DryRunAsync(string id, HttpContext context, RunbookService service, CancellationToken ct)
    {
        if (service.Catalog.Get(id) is not { } runbook)
        {
            return UnknownRunbook(service, id);
        }
        var (request, error) = await ReadRequestAsync(context, runbook, dryRun: true, ct);
        if (error is not null)
        {
            return error;
        }
        IReadOnlyList<(RunbookStep Step, string Description)> described;
        try
        {
            described = service.Runner.Describe(request!);
        }
        catch (RunbookException ex)
        {
            return Error(400, ex.Message);
        }
        var steps = new JsonArray();
        foreach (var (step, description) in described)
        {
            steps.Add(new JsonObject
            {
                ["step"] = step.Id,
                ["kind"] = step.Kind,
                ["section"] = Section(step.Section),
                ["title"] = step.Title,
                ["description"] = description,
            });
        }
        return Json(new JsonObject
        {
            ["runbook"] = runbook.Id,
            ["parameters"] = ParametersJson(RunbookParameters.Resolve(runbook, request!.Parameters).Redacted),
            ["steps"] = steps,
        }, 200);
    }

    static async Task<IResult> StartAsync(string id, HttpContext context, RunbookService service, IncidentService incidents, CancellationToken ct)
    {
        if (service.Catalog.Get(id) is not { } runbook)
        {
            return UnknownRunbook(service, id);
        }
        var (request, error) = await ReadRequestAsync(context, runbook, dryRun: false, ct);
        if (error is not null)
        {
            return error;
        }
        if (request!.IncidentId is { } incident && await incidents.Engine.GetAsync(incident, ct) is null)
        {
            return Error(404, $"incident {incident} does not exist");
        }
        try
        {
            RunbookParameters.Resolve(runbook, request.Parameters);
        }
        catch (RunbookException ex)
        {
            return Error(400, ex.Message);
        }
        RunSnapshot run;
        try
        {
            run = await service.StartAsync(request, ct);
        }
        catch (RunbookException ex)
        {
            return Error(409, ex.Message);
        }
        context.Response.Headers.Location = "/api/v1/runbook-runs/" + run.RunId;
        return Json(RunJson(run), 202);
    }

    /// <summary>How many runs the list shows when <c>?limit=</c> is not given.</summary>
    const int DefaultRunsLimit = 100;

    /// <summary>The most runs one list shows.</summary>
    const int MaxRunsLimit = 10_000;

    static async Task<IResult> ListRunsAsync(HttpContext context, RunbookService service, CancellationToken ct)
    {
        var limit = DefaultRunsLimit;
        if (context.Request.Query["limit"] is { Count: > 0 } given
            && (given.Count > 1 || !int.TryParse(given[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxRunsLimit))
        {
            return Error(400, $"limit must be a whole number from 1 to {MaxRunsLimit}, not \"{given}\"");
        }
        var list = new JsonArray();
        foreach (var run in await service.RunsAsync(limit, ct))
        {
            var json = RunJson(run);
            json.Remove("steps");
            json["waiting"] = Waiting(run);
            list.Add(json);
        }
        return Json(list, 200);
    }

    static async Task<IResult> ShowRunAsync(string runId, RunbookService service, CancellationToken ct) =>
        await service.GetRunAsync(runId, ct) is { } run ? Json(RunJson(run), 200) : Error(404, $"run {runId} does not exist");

    static Task<IResult> ApproveAsync(string runId, string stepId, HttpContext context, RunbookService service, CancellationToken ct) =>
        ActOnStepAsync(runId, stepId, service, () => service.Runner.ApproveAsync(runId, stepId, ActorOf(context), ct), ct);

    static Task<IResult> ConfirmAsync(string runId, string stepId, HttpContext context, RunbookService service, CancellationToken ct) =>
        ActOnStepAsync(runId, stepId, service, () => service.Runner.ConfirmAsync(runId, stepId, ActorOf(context), ct), ct);

    static async Task<IResult> CancelAsync(string runId, HttpContext context, RunbookService service, CancellationToken ct)
    {
        if (service.Runner.Get(runId) is null)
        {
            return await service.GetRunAsync(runId, ct) is { } finished
                ? Json(RunJson(finished), 200)
                : Error(404, $"run {runId} does not exist");
        }
        try
        {
            service.Runner.Cancel(runId, ActorOf(context));
        }
        catch (RunbookException ex)
        {
            return Error(409, ex.Message);
        }
        return Json(RunJson(service.Runner.Get(runId)!), 200);
    }

    static async Task<IResult> ActOnStepAsync(string runId, string stepId, RunbookService service, Func<Task> action, CancellationToken ct)
    {
        if (service.Runner.Get(runId) is not { } run)
        {
            return await service.GetRunAsync(runId, ct) is { } finished
                ? Error(409, $"run {runId} is {finished.Status.ToString().ToLowerInvariant()}; its steps can no longer be approved or confirmed")
                : Error(404, $"run {runId} does not exist");
        }
        if (run.Step(stepId) is null)
        {
            return Error(404, $"run {runId} has no step \"{stepId}\"; its steps: {string.Join(", ", run.Steps.Select(s => s.StepId))}");
        }
        try
        {
            await action();
        }
        catch (RunbookException ex)
        {
            return Error(409, ex.Message);
        }
        return Json(RunJson(service.Runner.Get(runId)!), 200);
    }

    /// <summary>Reads <c>{"parameters", "sections", "incident", "auto_only"}</c>; a missing body is an empty request.</summary>
    static async Task<(RunRequest? Request, IResult? Error)> ReadRequestAsync(HttpContext context, Runbook runbook, bool dryRun, CancellationToken ct)
    {
        var (body, error) = await ReadObjectAsync(context.Request, emptyIsObject: true, ct);
        if (error is not null)
        {
            return (null, error);
        }
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body!["parameters"] is { } p)
        {
            if (p is not JsonObject map)
            {
                return (null, Error(400, "parameters must be an object of NAME: value"));
            }
            foreach (var (name, value) in map)
            {
                if (value is not JsonValue v || v.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                {
                    return (null, Error(400, $"parameter \"{name}\" must be a string, number or boolean"));
                }
                parameters[name] = v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString();
            }
        }
        HashSet<RunbookSection>? sections = null;
        if (body["sections"] is { } s)
        {
            if (s is not JsonArray list)
            {
                return (null, Error(400, "sections must be a list such as [\"diagnosis\", \"validation\"]"));
            }
            sections = [];
            foreach (var item in list)
            {
                if (item is not JsonValue iv || !iv.TryGetValue<string>(out var name) || !RunbookSections.TryParse(name, out var section))
                {
                    return (null, Error(400, $"section {item?.ToJsonString() ?? "null"} is not one of diagnosis, mitigation, validation, communication, post-incident"));
                }
                sections.Add(section);
            }
        }
        string? incident = null;
        if (body["incident"] is { } i)
        {
            if (i is not JsonValue iv || !iv.TryGetValue(out incident) || string.IsNullOrWhiteSpace(incident))
            {
                return (null, Error(400, "incident must be an incident id such as \"INC-1\""));
            }
        }
        var autoOnly = false;
        if (body["auto_only"] is { } a && (a is not JsonValue av || !av.TryGetValue(out autoOnly)))
        {
            return (null, Error(400, "auto_only must be true or false"));
        }
        return (new RunRequest(runbook, parameters, ActorOf(context), incident, dryRun) { Sections = sections, AutoOnly = autoOnly }, null);
    }

    internal static JsonObject RunJson(RunSnapshot run)
    {
        var steps = new JsonArray();
        foreach (var s in run.Steps)
        {
            var step = new JsonObject
            {
                ["step"] = s.StepId,
                ["kind"] = s.Kind,
                ["section"] = Section(s.Section),
                ["status"] = IncidentEndpoints.Snake(s.Status.ToString()),
                ["attempts"] = s.Attempts,
                ["approvers"] = Strings(s.Approvers),
                ["confirmed_by"] = s.ConfirmedBy,
            };
            if (s.Description is not null)
            {
                step["description"] = s.Description;
            }
            if (s.Result is { } r)
            {
                step["result"] = new JsonObject
                {
                    ["outcome"] = RunbookRecorder.Outcome(r.Outcome),
                    ["exit_code"] = r.ExitCode,
                    ["duration_ms"] = (long)r.Duration.TotalMilliseconds,
                    ["output"] = r.Output,
                    ["output_truncated"] = r.OutputTruncated,
                    ["output_sha256"] = r.OutputSha256,
                    ["error"] = r.Error,
                };
            }
            steps.Add(step);
        }
        return new JsonObject
        {
            ["id"] = run.RunId,
            ["runbook"] = run.RunbookId,
            ["actor"] = run.Actor,
            ["incident"] = run.IncidentId,
            ["status"] = IncidentEndpoints.Snake(run.Status.ToString()),
            ["validated"] = run.Validated,
            ["started_at"] = run.StartedAt.ToString("O", CultureInfo.InvariantCulture),
            ["finished_at"] = run.FinishedAt?.ToString("O", CultureInfo.InvariantCulture),
            ["error"] = run.Error,
            ["parameters"] = ParametersJson(run.Parameters),
            ["steps"] = steps,
        };
    }

    static string? Waiting(RunSnapshot run) =>
        run.Steps.FirstOrDefault(s => s.Status is StepStatus.WaitingForApproval or StepStatus.WaitingForConfirmation) is { } w
            ? $"{w.StepId}: {IncidentEndpoints.Snake(w.Status.ToString())}"
            : null;

    static JsonObject ParametersJson(IReadOnlyDictionary<string, string> values)
    {
        var o = new JsonObject();
        foreach (var (k, v) in values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            o[k] = v;
        }
        return o;
    }

    static string Section(RunbookSection section) => section == RunbookSection.PostIncident ? "post-incident" : section.ToString().ToLowerInvariant();

    static JsonArray Strings(IEnumerable<string> values) => [.. values.Select(v => (JsonNode?)v)];

    static IResult UnknownRunbook(RunbookService service, string id)
    {
        var known = service.Catalog.Runbooks.Select(r => r.Id).ToList();
        return Error(404, $"runbook \"{id}\" does not exist" + (known.Count == 0 ? " (no runbooks are configured: set runbooks.dir in the settings file)" : "; runbooks: " + string.Join(", ", known)));
    }
}
