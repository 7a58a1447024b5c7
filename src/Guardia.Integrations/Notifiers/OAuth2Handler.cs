using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Guardia.Core.Configuration;

namespace Guardia.Integrations.Notifiers;

/// <summary>The <c>oauth2</c> setting of an <c>http_config</c>: fetches a token with the client-credentials grant
/// (client id and secret in a basic <c>Authorization</c> header, scopes space-separated, endpoint_params added to the
/// form), caches it until shortly before it expires, and sends it as a bearer token on every request that carries no
/// other <c>Authorization</c>. The token request goes through the same connection settings (proxy, TLS).</summary>
public sealed class OAuth2Handler(OAuth2Config config, HttpMessageHandler inner, TimeProvider time) : DelegatingHandler(inner)
{
    /// <summary>A token is renewed this long before the expiry its issuer gave.</summary>
    static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(10);

    readonly SemaphoreSlim _refresh = new(1, 1);
    string? _token;
    DateTimeOffset _expires;

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers.Authorization is null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(cancellationToken).ConfigureAwait(false));
        }
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    async Task<string> TokenAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _token) is { } cached && time.GetUtcNow() < _expires)
        {
            return cached;
        }
        await _refresh.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_token is { } again && time.GetUtcNow() < _expires)
            {
                return again;
            }
            var (token, expiresIn) = await FetchAsync(ct).ConfigureAwait(false);
            _expires = expiresIn is { } e ? time.GetUtcNow() + e - ExpiryMargin : DateTimeOffset.MaxValue;
            Volatile.Write(ref _token, token);
            return token;
        }
        finally
        {
            _refresh.Release();
        }
    }

    async Task<(string Token, TimeSpan? ExpiresIn)> FetchAsync(CancellationToken ct)
    {
        var secret = config.ClientSecret?.Value
            ?? (config.ClientSecretFile is { } f ? await JsonDelivery.ReadSecretFileAsync(f, ct).ConfigureAwait(false) : string.Empty);
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (config.Scopes.Count > 0)
        {
            form.Add(new("scope", string.Join(' ', config.Scopes)));
        }
        foreach (var (k, v) in config.EndpointParams)
        {
            form.Add(new(k, v));
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, config.TokenUrl) { Content = new FormUrlEncodedContent(form) };
        var basic = $"{Uri.EscapeDataString(config.ClientId)}:{Uri.EscapeDataString(secret)}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        using var response = await base.SendAsync(request, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"oauth2: cannot fetch token from {config.TokenUrl}: status {(int)response.StatusCode}");
        }
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (!root.TryGetProperty("access_token", out var token) || token.ValueKind != JsonValueKind.String || token.GetString() is not { Length: > 0 } value)
            {
                throw new HttpRequestException($"oauth2: the token response of {config.TokenUrl} has no access_token");
            }
            TimeSpan? expiresIn = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : null;
            return (value, expiresIn);
        }
        catch (JsonException ex)
        {
            throw new HttpRequestException($"oauth2: the token response of {config.TokenUrl} is not JSON: {ex.Message}", ex);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _refresh.Dispose();
        }
        base.Dispose(disposing);
    }
}
