using System.Net.Http.Headers;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Notify;

namespace Guardia.Integrations.Notifiers.Webhook;

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
            if (await HttpAuthorization.ForAsync(config.HttpConfig, ct) is { } auth)
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
                return NotifyResult.Delivered(status);
            }
            var text = await ReadPrefixAsync(response, attempt.Token);
            var error = $"unexpected status code {status}: {url}" + (text.Length > 0 ? ": " + text : string.Empty);
            return status >= 500 ? NotifyResult.Retryable(error, status) : NotifyResult.Permanent(error, status);
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
}
