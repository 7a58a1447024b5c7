using System.Text.Json.Nodes;
using Guardia.Core.Alerts;
using Guardia.Core.Configuration;
using Guardia.Core.Notify;

namespace Guardia.Integrations.Notifiers;

/// <summary>What the notifiers that render templates into JSON and post it (Slack, PagerDuty, MS Teams) share: the
/// context, the HTTP client of their <c>http_config</c>, its authorization and the per-attempt timeout.</summary>
public abstract class JsonNotifier : INotifier
{
    readonly HttpClient _http;
    readonly HttpClientConfig _httpConfig;

    /// <summary>Binds the notifier to <paramref name="context"/> and to the client <paramref name="http"/> built for <paramref name="httpConfig"/>.</summary>
    protected JsonNotifier(NotifierContext context, HttpClient http, HttpClientConfig httpConfig)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(httpConfig);
        Context = context;
        _http = http;
        _httpConfig = httpConfig;
    }

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; init; } = JsonDelivery.DefaultAttemptTimeout;

    /// <summary>The templates, external URL and clock of the configuration.</summary>
    protected NotifierContext Context { get; }

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
