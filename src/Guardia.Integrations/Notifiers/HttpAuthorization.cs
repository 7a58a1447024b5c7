using System.Net.Http.Headers;
using System.Text;
using Guardia.Core.Configuration;

namespace Guardia.Integrations.Notifiers;

/// <summary>The <c>Authorization</c> header an <c>http_config</c> asks for: basic_auth, authorization or bearer_token (files read per request, as Prometheus does).</summary>
public static class HttpAuthorization
{
    /// <summary>The header value, or null when the config sets none of these (oauth2 is added by <see cref="OAuth2Handler"/>).</summary>
    public static async Task<AuthenticationHeaderValue?> ForAsync(HttpClientConfig config, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.BasicAuth is { } basic)
        {
            var password = basic.Password?.Value
                ?? (basic.PasswordFile is { } f ? await JsonDelivery.ReadSecretFileAsync(f, ct).ConfigureAwait(false) : string.Empty);
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basic.Username}:{password}")));
        }
        if (config.Authorization is { } auth)
        {
            var credentials = auth.Credentials?.Value
                ?? (auth.CredentialsFile is { } f ? await JsonDelivery.ReadSecretFileAsync(f, ct).ConfigureAwait(false) : string.Empty);
            return new AuthenticationHeaderValue(auth.Type.Length == 0 ? "Bearer" : auth.Type, credentials);
        }
        if (config.BearerToken is { } token)
        {
            return new AuthenticationHeaderValue("Bearer", token.Value);
        }
        if (config.BearerTokenFile is { } file)
        {
            return new AuthenticationHeaderValue("Bearer", await JsonDelivery.ReadSecretFileAsync(file, ct).ConfigureAwait(false));
        }
        return null;
    }
}
