using System.Text.Json.Nodes;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Notify;

namespace Guardia.Integrations.Notifiers;

/// <summary>What the notifiers that render templates into JSON and post it (Slack, PagerDuty, MS Teams) share: the
/// context, the HTTP client of their <c>http_config</c>, its authorization and the per-attempt timeout.</summary>
/// <param name="context">The templates, external URL and clock of the configuration.</param>
/// <param name="http">The client built for <paramref name="httpConfig"/>.</param>
/// <param name="httpConfig">The integration's <c>http_config</c>, whose authorization goes on every request.</param>
public abstract class JsonNotifier(NotifierContext context, HttpClient http, HttpClientConfig httpConfig) : INotifier
{
    readonly HttpClient _http = http ?? throw new ArgumentNullException(nameof(http));
    readonly HttpClientConfig _httpConfig = httpConfig ?? throw new ArgumentNullException(nameof(httpConfig));

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; init; } = JsonDelivery.DefaultAttemptTimeout;

    /// <summary>The templates, external URL and clock of the configuration.</summary>
    protected NotifierContext Context { get; } = context ?? throw new ArgumentNullException(nameof(context));

    /// <inheritdoc/>
    public abstract Task<NotifyResult> NotifyAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct);

    /// <summary>Posts <paramref name="payload"/> to <paramref name="url"/> with the <c>http_config</c>'s authorization (see <see cref="JsonDelivery.PostAsync(HttpClient, string, byte[], System.Net.Http.Headers.AuthenticationHeaderValue?, TimeSpan, TimeProvider, CancellationToken, int[])"/>).</summary>
    protected async Task<NotifyResult> PostAsync(string url, JsonNode payload, CancellationToken ct, params int[] extraRetryCodes)
    {
        var body = JsonDelivery.Encode(payload);
        var authorization = await HttpAuthorization.ForAsync(_httpConfig, ct).ConfigureAwait(false);
        return await JsonDelivery.PostAsync(_http, url, body, authorization, AttemptTimeout, Context.Time, ct, extraRetryCodes).ConfigureAwait(false);
    }

    /// <summary>A secret set inline (<paramref name="secret"/>) or in a file (<paramref name="file"/>, read now); null when neither is set.</summary>
    protected static async Task<string?> SecretAsync(Secret? secret, string? file, CancellationToken ct) =>
        secret?.Value ?? (file is null ? null : await JsonDelivery.ReadSecretFileAsync(file, ct).ConfigureAwait(false));
}
