namespace Guardia.Core.Configuration;

/// <summary>Prometheus' common <c>http_config</c> block used by receivers.</summary>
public sealed record HttpClientConfig
{
    public BasicAuthConfig? BasicAuth { get; init; }
    public AuthorizationConfig? Authorization { get; init; }
    public OAuth2Config? OAuth2 { get; init; }
    public Secret? BearerToken { get; init; }
    public string? BearerTokenFile { get; init; }
    public string? ProxyUrl { get; init; }
    public TlsConfig TlsConfig { get; init; } = new();
    public bool FollowRedirects { get; init; } = true;
    public bool EnableHttp2 { get; init; } = true;
}

/// <summary>HTTP basic authentication.</summary>
public sealed record BasicAuthConfig(string Username, Secret? Password, string? PasswordFile);

/// <summary>The <c>Authorization</c> header: a type (default Bearer) and credentials.</summary>
public sealed record AuthorizationConfig(string Type, Secret? Credentials, string? CredentialsFile);

/// <summary>OAuth 2.0 client credentials.</summary>
public sealed record OAuth2Config
{
    public string ClientId { get; init; } = string.Empty;
    public Secret? ClientSecret { get; init; }
    public string? ClientSecretFile { get; init; }
    public IReadOnlyList<string> Scopes { get; init; } = [];
    public string TokenUrl { get; init; } = string.Empty;
    public IReadOnlyDictionary<string, string> EndpointParams { get; init; } = new Dictionary<string, string>();
}

/// <summary>TLS client settings.</summary>
public sealed record TlsConfig
{
    public string? CaFile { get; init; }
    public string? CertFile { get; init; }
    public string? KeyFile { get; init; }
    public string? ServerName { get; init; }
    public bool InsecureSkipVerify { get; init; }
    public string? MinVersion { get; init; }
}
