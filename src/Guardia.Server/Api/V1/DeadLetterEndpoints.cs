using System.Globalization;
using System.Text.Json.Nodes;
using Guardia.Core.Access;
using Guardia.Core.Configuration;
using Guardia.Core.DeadLetters;
using Guardia.Core.Notify;
using Guardia.Core.Templating.Alertmanager;
using Guardia.Integrations.Notifiers;
using Guardia.Server.Api.V1.Access;
using Guardia.Server.Hosting;

namespace Guardia.Server.Api.V1;

/// <summary><c>/api/v1/dead-letters</c>: notifications that failed after every retry, listed, replayed, deleted.</summary>
static class DeadLetterEndpoints
{
    public static IEndpointRouteBuilder MapDeadLetterEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/dead-letters").RequireGuardiaRole(Role.Viewer);
        group.MapGet("/", async (IDeadLetterStore store, ConfigHolder config, CancellationToken ct) =>
        {
            var list = new JsonArray();
            foreach (var letter in await store.ListAsync(ct))
            {
                list.Add(ToJson(letter, config.Current.Config));
            }
            return Json(list, 200);
        });
        group.MapGet("/{id}", async (string id, IDeadLetterStore store, ConfigHolder config, CancellationToken ct) =>
            await store.GetAsync(id, ct) is { } letter ? Json(ToJson(letter, config.Current.Config), 200) : NotFound(id));
        group.MapDelete("/{id}", async (string id, IDeadLetterStore store, CancellationToken ct) =>
            await store.DeleteAsync(id, ct) ? Results.NoContent() : NotFound(id)).RequireGuardiaRole(Role.Responder);
        group.MapPost("/{id}/replay", ReplayAsync).RequireGuardiaRole(Role.Responder);
        return app;
    }

    static async Task<IResult> ReplayAsync(
        string id, IDeadLetterStore store, ConfigHolder config, ServeOptions options, NotifierHttpClients clients, TimeProvider time,
        ILoggerFactory loggers, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } letter)
        {
            return NotFound(id);
        }
        var snapshot = config.Current;
        var receiver = snapshot.Config.Receivers.FirstOrDefault(r => r.Name == letter.Receiver);
        if (receiver is null)
        {
            return Json(Problem(id, $"receiver {letter.Receiver} is no longer configured; delete the dead letter or restore the receiver"), 409);
        }
        var templates = NotificationTemplates.Create(TemplateFiles.Read(snapshot.Config, options.ConfigFile), time);
        var context = new NotifierContext(templates, letter.ExternalUrl, time);
        var integration = ReceiverIntegrations.For(receiver, context, clients.For)
            .FirstOrDefault(n => n.Name == letter.Integration && n.Index == letter.IntegrationIndex);
        if (integration is null)
        {
            return Json(Problem(id, $"receiver {letter.Receiver} has no {letter.Integration}[{letter.IntegrationIndex}] integration any more"), 409);
        }
        var flush = new Flush(letter.GroupKey, letter.Receiver, letter.GroupLabels, letter.FlushedAt, new Guardia.Core.Routing.RouteOptions { Receiver = letter.Receiver });
        var result = await integration.NotifyAsync(flush, letter.Alerts, ct);
        var secrets = ReceiverSecrets.Of(receiver);
        var logger = loggers.CreateLogger("Guardia.DeadLetters");
        if (result.Success)
        {
            await store.DeleteAsync(id, ct);
            logger.LogInformation("Replayed dead letter {Id} to {Receiver}/{Integration}", id, letter.Receiver, letter.Integration);
            return Json(new JsonObject { ["id"] = id, ["replayed"] = true }, 200);
        }
        var error = ReceiverSecrets.Redact(result.Error ?? "failed", secrets);
        await store.RecordFailureAsync(id, error, time.GetUtcNow(), ct);
        logger.LogWarning("Replay of dead letter {Id} to {Receiver}/{Integration} failed: {Error}", id, letter.Receiver, letter.Integration, error);
        return Json(new JsonObject { ["id"] = id, ["replayed"] = false, ["retryable"] = result.Retry, ["error"] = error }, 502);
    }


    static JsonObject ToJson(DeadLetter letter, AlertmanagerConfig config)
    {
        // Errors are redacted when stored; redacting again with today's secrets covers keys that changed since.
        var receiver = config.Receivers.FirstOrDefault(r => r.Name == letter.Receiver);
        var error = receiver is null ? letter.Error : ReceiverSecrets.Redact(letter.Error, ReceiverSecrets.Of(receiver));
        var groupLabels = new JsonObject();
        foreach (var (k, v) in letter.GroupLabels)
        {
            groupLabels[k] = v;
        }
        var alerts = new JsonArray();
        foreach (var a in letter.Alerts)
        {
            var labels = new JsonObject();
            foreach (var (k, v) in a.Labels)
            {
                labels[k] = v;
            }
            alerts.Add(new JsonObject { ["fingerprint"] = a.Fingerprint.ToString(), ["labels"] = labels });
        }
        return new JsonObject
        {
            ["id"] = letter.Id,
            ["receiver"] = letter.Receiver,
            ["integration"] = letter.Integration,
            ["integrationIndex"] = letter.IntegrationIndex,
            ["groupKey"] = letter.GroupKey,
            ["groupLabels"] = groupLabels,
            ["alerts"] = alerts,
            ["error"] = error,
            ["attempts"] = letter.Attempts,
            ["firstFailure"] = letter.FirstFailure.ToString("O", CultureInfo.InvariantCulture),
            ["lastFailure"] = letter.LastFailure.ToString("O", CultureInfo.InvariantCulture),
        };
    }

    static JsonObject Problem(string id, string message) => new() { ["id"] = id, ["replayed"] = false, ["error"] = message };

    static IResult NotFound(string id) => Json(new JsonObject { ["error"] = $"no dead letter {id}" }, 404);

    static IResult Json(JsonNode node, int status) =>
        Results.Text(node.ToJsonString(), "application/json", System.Text.Encoding.UTF8, status);
}
