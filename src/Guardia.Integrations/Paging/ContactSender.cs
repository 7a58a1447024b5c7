using System.Text.Json.Nodes;
using Guardia.Core.Configuration;
using Guardia.Core.Notify;
using Guardia.Integrations.Notifiers;
using Guardia.Integrations.Notifiers.Email;
using MimeKit;

namespace Guardia.Integrations.Paging;

/// <summary>What a person receives: a page for an incident, a reminder to post a status update, or a handoff report.</summary>
/// <param name="Kind"><c>page</c>, <c>reminder</c> or <c>handoff</c>.</param>
/// <param name="Subject">One line, in the person's language.</param>
/// <param name="Text">The body as plain text, in the person's language.</param>
/// <param name="Data">The structured form a generic webhook receives (incident id, severity, level, ack URL...).</param>
public sealed record PageMessage(string Kind, string Subject, string Text, JsonObject Data);

/// <summary>Delivers a <see cref="PageMessage"/> to one contact method of a person: e-mail through the SMTP settings
/// of the Alertmanager configuration's <c>global</c> section, a Slack incoming webhook, or a generic webhook (SMS and
/// phone gateways) that receives the message as JSON.</summary>
public sealed class ContactSender(NotifierHttpClients clients, Func<GlobalConfig> global, TimeProvider time)
{
    /// <summary>Contact URLs carry their own credentials: no proxy, TLS or authentication settings.</summary>
    static readonly HttpClientConfig PlainHttp = new();

    /// <summary>How long one delivery attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; init; } = JsonDelivery.DefaultAttemptTimeout;

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> (an address for <c>email</c>, a URL for
    /// <c>slack</c> and <c>webhook</c>); never throws for delivery failures.</summary>
    public async Task<NotifyResult> SendAsync(string type, string target, PageMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (type)
        {
            case "email":
                return await EmailAsync(target, message, ct).ConfigureAwait(false);
            case "slack":
                var slack = new JsonObject { ["text"] = $"*{message.Subject}*\n{message.Text}" };
                return await JsonDelivery.PostAsync(clients.For(PlainHttp), target, JsonDelivery.Encode(slack), AttemptTimeout, time, ct).ConfigureAwait(false);
            case "webhook":
                var payload = new JsonObject
                {
                    ["kind"] = message.Kind,
                    ["subject"] = message.Subject,
                    ["text"] = message.Text,
                };
                foreach (var (k, v) in message.Data)
                {
                    payload[k] = v?.DeepClone();
                }
                return await JsonDelivery.PostAsync(clients.For(PlainHttp), target, JsonDelivery.Encode(payload), AttemptTimeout, time, ct).ConfigureAwait(false);
            default:
                return NotifyResult.Permanent($"unknown contact method type \"{type}\"");
        }
    }

    async Task<NotifyResult> EmailAsync(string address, PageMessage message, CancellationToken ct)
    {
        var g = global();
        if (g.SmtpSmarthost.Length == 0)
        {
            return NotifyResult.Permanent("no SMTP smarthost: set global.smtp_smarthost in the Alertmanager configuration to page by e-mail");
        }
        if (!MailboxAddress.TryParse(g.SmtpFrom, out var sender))
        {
            return NotifyResult.Permanent($"parse 'from' address (global.smtp_from): {g.SmtpFrom}");
        }
        if (!MailboxAddress.TryParse(address, out var recipient))
        {
            return NotifyResult.Permanent($"parse e-mail address: {address}");
        }
        var config = new EmailConfig
        {
            To = address,
            From = g.SmtpFrom,
            Hello = g.SmtpHello,
            Smarthost = g.SmtpSmarthost,
            AuthUsername = g.SmtpAuthUsername,
            AuthPassword = g.SmtpAuthPassword,
            AuthPasswordFile = g.SmtpAuthPasswordFile,
            AuthSecret = g.SmtpAuthSecret,
            AuthIdentity = g.SmtpAuthIdentity,
            RequireTls = g.SmtpRequireTls,
        };
        using var mime = new MimeMessage();
        mime.From.Add(sender);
        mime.To.Add(recipient);
        mime.Subject = message.Subject;
        mime.Date = time.GetUtcNow();
        mime.Body = new TextPart("plain") { Text = message.Text };
        return await EmailNotifier.SendAsync(config, mime, sender, [recipient], AttemptTimeout, time, ct).ConfigureAwait(false);
    }
}
