using System.Net.Sockets;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Notify;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Guardia.Integrations.Notifiers.Email;

/// <summary>Sends e-mail over SMTP (MailKit) with Alertmanager 0.25's headers and multipart/alternative bodies.</summary>
public sealed class EmailNotifier : INotifier
{
    readonly EmailConfig _config;
    readonly NotifierContext _context;

    /// <summary>Creates the notifier for one <c>email_configs</c> entry.</summary>
    public EmailNotifier(EmailConfig config, NotifierContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        _config = config;
        _context = context;
    }

    /// <summary>How long one attempt (connect, authenticate, send) may take.</summary>
    public TimeSpan AttemptTimeout { get; init; } = JsonDelivery.DefaultAttemptTimeout;

    /// <summary>
    /// Renders the message Alertmanager sends: every configured header (Subject, From and To included, defaulted
    /// by the configuration loader) rendered as text, a text/plain part when <c>text</c> is set and a text/html
    /// part when <c>html</c> is set, the HTML last as RFC 2046 prefers. <see cref="TemplateText.Error"/> tells
    /// whether a field failed.
    /// </summary>
    public static MimeMessage BuildMessage(EmailConfig config, TemplateText tmpl, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tmpl);
        var message = new MimeMessage();
        message.Headers.Clear();
        foreach (var (name, text) in config.Headers.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            var value = tmpl.Text(text);
            switch (name)
            {
                case "From":
                    message.From.AddRange(ParseList(value));
                    break;
                case "To":
                    message.To.AddRange(ParseList(value));
                    break;
                case "Cc":
                    message.Cc.AddRange(ParseList(value));
                    break;
                case "Subject":
                    message.Subject = value;
                    break;
                default:
                    message.Headers.Add(name, value);
                    break;
            }
        }
        message.Date = now;
        if (!config.Headers.ContainsKey("Message-Id"))
        {
            message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId();
        }
        var body = new MultipartAlternative();
        if (config.Text.Length > 0)
        {
            body.Add(new TextPart("plain") { Text = tmpl.Text(config.Text), ContentTransferEncoding = ContentEncoding.QuotedPrintable });
        }
        if (config.Html.Length > 0)
        {
            body.Add(new TextPart("html") { Text = tmpl.Html(config.Html), ContentTransferEncoding = ContentEncoding.QuotedPrintable });
        }
        foreach (var part in body.OfType<TextPart>())
        {
            part.ContentType.Charset = "UTF-8";
        }
        message.Body = body;
        return message;
    }

    static InternetAddressList ParseList(string value) =>
        InternetAddressList.TryParse(value, out var list) ? list : [new MailboxAddress(string.Empty, value)];

    /// <inheritdoc/>
    public async Task<NotifyResult> NotifyAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        var tmpl = _context.TextFor(flush, alerts);
        var message = BuildMessage(_config, tmpl, flush.Now);
        var from = tmpl.Text(_config.From);
        var to = tmpl.Text(_config.To);
        if (tmpl.Error is { } error)
        {
            return NotifyResult.Permanent("template: " + error.Message);
        }
        if (!MailboxAddress.TryParse(from, out var sender))
        {
            return NotifyResult.Permanent($"parse 'from' addresses: {from}");
        }
        if (!InternetAddressList.TryParse(to, out var recipients) || recipients.Count == 0)
        {
            return NotifyResult.Permanent($"parse 'to' addresses: {to}");
        }
        return await SendAsync(_config, message, sender, recipients.Mailboxes, AttemptTimeout, _context.Time, ct).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="message"/> through <paramref name="config"/>'s smarthost (TLS, STARTTLS and
    /// authentication as Alertmanager does); a 5xx reply is permanent, everything else transient. Pages reuse it.</summary>
    public static async Task<NotifyResult> SendAsync(
        EmailConfig config, MimeMessage message, MailboxAddress sender, IEnumerable<MailboxAddress> recipients,
        TimeSpan attemptTimeout, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(time);
        var (host, port) = SplitHostPort(config.Smarthost);
        using var timeout = new CancellationTokenSource(attemptTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        using var smtp = new SmtpClient { Timeout = (int)attemptTimeout.TotalMilliseconds };
        if (config.Hello.Length > 0)
        {
            smtp.LocalDomain = config.Hello;
        }
        if (config.TlsConfig.InsecureSkipVerify)
        {
            // The operator asked for it with tlsconfig.insecure_skip_verify, as Alertmanager allows.
#pragma warning disable CA5359
            smtp.ServerCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        try
        {
            // Port 465 speaks TLS from the first byte; elsewhere require_tls demands STARTTLS and its absence is an error.
            var security = port == 465 ? SecureSocketOptions.SslOnConnect
                : config.RequireTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None;
            await smtp.ConnectAsync(host, port, security, linked.Token).ConfigureAwait(false);
            if (smtp.Capabilities.HasFlag(SmtpCapabilities.Authentication) && config.AuthUsername.Length > 0)
            {
                var password = config.AuthPassword?.Value;
                if (password is null && config.AuthPasswordFile is { } file)
                {
                    password = await JsonDelivery.ReadSecretFileAsync(file, linked.Token).ConfigureAwait(false);
                }
                smtp.AuthenticationMechanisms.Remove("XOAUTH2");
                await smtp.AuthenticateAsync(config.AuthUsername, password ?? string.Empty, linked.Token).ConfigureAwait(false);
            }
            await smtp.SendAsync(message, sender, recipients, linked.Token).ConfigureAwait(false);
            await smtp.DisconnectAsync(true, linked.Token).ConfigureAwait(false);
            return NotifyResult.Delivered();
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return NotifyResult.Retryable($"no answer from {host}:{port} within {attemptTimeout.TotalSeconds:0.###}s");
        }
        catch (SmtpCommandException ex)
        {
            // A 5xx reply (unknown mailbox, refused sender) will be refused again; 4xx replies are temporary.
            var code = (int)ex.StatusCode;
            return code >= 500 ? NotifyResult.Permanent($"{host}:{port}: {code} {ex.Message}") : NotifyResult.Retryable($"{host}:{port}: {code} {ex.Message}");
        }
        catch (AuthenticationException ex)
        {
            return NotifyResult.Retryable($"{host}:{port}: authentication failed: {ex.Message}");
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException or NotSupportedException or SslHandshakeException)
        {
            return NotifyResult.Retryable($"{host}:{port}: {ex.Message}");
        }
    }

    static (string Host, int Port) SplitHostPort(string smarthost)
    {
        var i = smarthost.LastIndexOf(':');
        if (i < 0 || !int.TryParse(smarthost.AsSpan(i + 1), System.Globalization.CultureInfo.InvariantCulture, out var port))
        {
            return (smarthost, 25);
        }
        return (smarthost[..i].Trim('[', ']'), port);
    }
}
