using System.Globalization;
using System.Text.Json.Nodes;
using Guardia.Core.Incidents;
using Guardia.Core.OnCall;
using Guardia.Integrations.Notifiers;
using Guardia.Integrations.Paging;
using Guardia.Server.Observability;

namespace Guardia.Server.Hosting;

/// <summary>Delivers pages to every contact method of the person paged, in their language, each with the link that
/// acknowledges the incident; a page is delivered when at least one contact method took it.</summary>
sealed class ContactPager(ConfigHolder config, ContactSender sender, ServeOptions options, IncidentMetrics metrics, TimeProvider time, ILogger<ContactPager> logger) : IPager
{
    public async Task<PageOutcome> PageAsync(Page page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(page);
        var outcome = await DeliverAsync(page, ct);
        metrics.Paged(page.Reason, outcome.Delivered, time.GetUtcNow() - page.DecidedAt);
        return outcome;
    }

    async Task<PageOutcome> DeliverAsync(Page page, CancellationToken ct)
    {
        if (!config.Current.OnCall.Users.TryGetValue(page.UserId, out var user))
        {
            return PageOutcome.Failure($"user {page.UserId} is not defined (any more)");
        }
        if (user.ContactMethods.Count == 0)
        {
            return PageOutcome.Failure($"user {user.Id} has no contact method");
        }
        var message = Message(page, user, AckUrl(options, page.AckToken));
        var errors = new List<string>();
        foreach (var method in user.ContactMethods)
        {
            if (method.Type == ContactMethodType.Log)
            {
                logger.LogWarning("PAGE {User}: {Text}", user.Id, message.Text.ReplaceLineEndings(" | "));
                return PageOutcome.Success;
            }
            var (type, target) = await TargetAsync(method, ct);
            var result = await sender.SendAsync(type, target, message, ct);
            if (result.Success)
            {
                logger.LogInformation("Paged {User} for {Incident} ({Level}) by {Type}", user.Id, page.Incident.Id, page.LevelName, type);
                return PageOutcome.Success;
            }
            errors.Add($"{type}: {result.Error}");
        }
        return PageOutcome.Failure(string.Join("; ", errors));
    }

    static async Task<(string Type, string Target)> TargetAsync(ContactMethod method, CancellationToken ct)
    {
        var type = method.Type.ToString().ToLowerInvariant();
        if (method.Type == ContactMethodType.Email)
        {
            return (type, method.Address ?? string.Empty);
        }
        var url = method.Url?.Value ?? (method.UrlFile is { } file ? await JsonDelivery.ReadSecretFileAsync(file, ct) : string.Empty);
        return (type, url);
    }

    /// <summary>The page's link that acknowledges it (the signed token is the credential: no login at 3 a.m.).</summary>
    public static string AckUrl(ServeOptions options, string token) => $"{DispatchService.ExternalUrl(options)}/ack?token={Uri.EscapeDataString(token)}";

    static PageMessage Message(Page page, User user, string ackUrl)
    {
        var spanish = user.Locale.StartsWith("es", StringComparison.OrdinalIgnoreCase);
        var incident = page.Incident;
        var text = PageMessages.Text(page, user.Locale);
        var subject = page.Reason == PageReason.Reminder
            ? (spanish ? $"[{incident.Severity}] {incident.Id}: actualización de estado pendiente" : $"[{incident.Severity}] {incident.Id}: status update due")
            : $"[{incident.Severity}] {incident.Id} {incident.Title}";
        var body = page.Reason == PageReason.Reminder
            ? text
            : text + "\n" + (spanish ? "Confirmar: " : "Acknowledge: ") + ackUrl;
        var data = new JsonObject
        {
            ["page_id"] = page.Id,
            ["incident"] = incident.Id,
            ["title"] = incident.Title,
            ["severity"] = incident.Severity.ToString(),
            ["status"] = incident.Status.ToString().ToLowerInvariant(),
            ["level"] = page.Level + 1,
            ["level_name"] = page.LevelName,
            ["user"] = user.Id,
            ["reason"] = page.Reason.ToString().ToLowerInvariant(),
            ["ack_url"] = ackUrl,
            ["ack_expires_at"] = page.AckTokenExpiresAt.ToString("O", CultureInfo.InvariantCulture),
        };
        return new PageMessage(page.Reason == PageReason.Reminder ? "reminder" : "page", subject, body, data);
    }
}
