using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Notify;

namespace Guardia.Integrations.Notifiers.Webhook;

using INotifier = Guardia.Core.Notify.INotifier;
using NotifyResult = Guardia.Core.Notify.NotifyResult;

/// <summary>Posts Alertmanager's webhook message to a <c>webhook_configs</c> URL: 2xx succeeds, 5xx and network errors
/// are retried, any other status fails for good (Alertmanager's retrier without custom codes).</summary>
public sealed class WebhookNotifier(WebhookConfig config, HttpClient http, string externalUrl) : INotifier
{
    /// <summary>The longest one attempt may take; the flush deadline bounds all of them together.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    public async Task<NotifyResult> NotifyAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(flush);
        ArgumentNullException.ThrowIfNull(alerts);
        var truncated = 0;
        if (config.MaxAlerts > 0 && alerts.Count > config.MaxAlerts)
        {
            truncated = alerts.Count - config.MaxAlerts;
            alerts = [.. alerts.Take(config.MaxAlerts)];
        }
        string url;
        try
        {
            url = config.Url ?? (await File.ReadAllTextAsync(config.UrlFile!, ct)).Trim();
        }
        catch (IOException ex)
        {
            return NotifyResult.Permanent($"read url_file: {ex.Message}");
        }
        var body = WebhookPayload.Write(flush, alerts, truncated, externalUrl);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.UserAgent.ParseAdd("Alertmanager/0.25.0");
        try
        {
            if (await AuthorizationAsync(config.HttpConfig, ct) is { } auth)
            {
                request.Headers.Authorization = auth;
            }
        }
        catch (IOException ex)
        {
            return NotifyResult.Permanent($"read credentials file: {ex.Message}");
        }
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(AttemptTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return NotifyResult.Success;
            }
            var text = await ReadPrefixAsync(response, attempt.Token);
            var error = $"unexpected status code {status}: {url}" + (text.Length > 0 ? ": " + text : string.Empty);
            return status >= 500 ? NotifyResult.Retryable(error) : NotifyResult.Permanent(error);
        }
        catch (HttpRequestException ex)
        {
            return NotifyResult.Retryable($"Post \"{url}\": {ex.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return NotifyResult.Retryable($"Post \"{url}\": no answer within {AttemptTimeout.TotalSeconds:0.###}s");
        }
    }

    static async Task<string> ReadPrefixAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            return text.Length > 1024 ? text[..1024] : text.Trim();
        }
        catch (HttpRequestException)
        {
            return string.Empty;
        }
    }

    static async Task<AuthenticationHeaderValue?> AuthorizationAsync(HttpClientConfig http, CancellationToken ct)
    {
        if (http.BasicAuth is { } basic)
        {
            var password = basic.Password?.Value ?? (basic.PasswordFile is { } pf ? (await File.ReadAllTextAsync(pf, ct)).Trim() : string.Empty);
            var raw = Encoding.UTF8.GetBytes(basic.Username + ":" + password);
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(raw));
        }
        if (http.Authorization is { } authz)
        {
            var credentials = authz.Credentials?.Value ?? (authz.CredentialsFile is { } cf ? (await File.ReadAllTextAsync(cf, ct)).Trim() : string.Empty);
            return new AuthenticationHeaderValue(string.IsNullOrEmpty(authz.Type) ? "Bearer" : authz.Type, credentials);
        }
        if (http.BearerToken is { } token)
        {
            return new AuthenticationHeaderValue("Bearer", token.Value);
        }
        if (http.BearerTokenFile is { } file)
        {
            return new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(file, ct)).Trim());
        }
        return null;
    }

    /// <summary>Creates the handler an integration's HTTP client uses for <paramref name="http"/> (redirects, proxy, TLS verification).</summary>
    public static SocketsHttpHandler CreateHandler(HttpClientConfig http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = http.FollowRedirects,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 64,
        };
        if (http.ProxyUrl is { Length: > 0 } proxy)
        {
            handler.Proxy = new WebProxy(proxy);
            handler.UseProxy = true;
        }
        if (http.TlsConfig.InsecureSkipVerify)
        {
#pragma warning disable CA5359 // insecure_skip_verify is the operator's explicit choice, as in Alertmanager.
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        return handler;
    }
}
