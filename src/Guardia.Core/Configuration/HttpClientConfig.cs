namespace Guardia.Core.Configuration;

/// <summary>Prometheus' common <c>http_config</c> block used by receivers.</summary>
public sealed record HttpClientConfig
{
    /// <summary>The <c>basic_auth</c> setting.</summary>
    public BasicAuthConfig? BasicAuth { get; init; }

    /// <summary>The <c>authorization</c> setting.</summary>
    public AuthorizationConfig? Authorization { get; init; }

    /// <summary>The <c>oauth2</c> setting.</summary>
    public OAuth2Config? OAuth2 { get; init; }

    /// <summary>The <c>bearer_token</c> setting.</summary>
    public Secret? BearerToken { get; init; }

    /// <summary>The <c>bearer_token_file</c> setting.</summary>
    public string? BearerTokenFile { get; init; }

    /// <summary>The <c>proxy_url</c> setting.</summary>
    public string? ProxyUrl { get; init; }

    /// <summary>The <c>tls_config</c> setting.</summary>
    public TlsConfig TlsConfig { get; init; } = new();

    /// <summary>The <c>follow_redirects</c> setting.</summary>
    public bool FollowRedirects { get; init; } = true;

    /// <summary>The <c>enable_http2</c> setting.</summary>
    public bool EnableHttp2 { get; init; } = true;
}

/// <summary>HTTP basic authentication.</summary>
public sealed record BasicAuthConfig(string Username, Secret? Password, string? PasswordFile);

/// <summary>The <c>Authorization</c> header: a type (default Bearer) and credentials.</summary>
public sealed record AuthorizationConfig(string Type, Secret? Credentials, string? CredentialsFile);

/// <summary>OAuth 2.0 client credentials.</summary>
public sealed record OAuth2Config
{
    /// <summary>The <c>client_id</c> setting.</summary>
    public string ClientId { get; init; } = string.Empty;

    /// <summary>The <c>client_secret</c> setting.</summary>
    public Secret? ClientSecret { get; init; }

    /// <summary>The <c>client_secret_file</c> setting.</summary>
    public string? ClientSecretFile { get; init; }

    /// <summary>The <c>scopes</c> setting.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The <c>token_url</c> setting.</summary>
    public string TokenUrl { get; init; } = string.Empty;

    /// <summary>The <c>endpoint_params</c> setting.</summary>
    public IReadOnlyDictionary<string, string> EndpointParams { get; init; } = new Dictionary<string, string>();
}

/// <summary>TLS client settings.</summary>
public sealed record TlsConfig
{
    /// <summary>The <c>ca_file</c> setting.</summary>
    public string? CaFile { get; init; }

    /// <summary>The <c>cert_file</c> setting.</summary>
    public string? CertFile { get; init; }

    /// <summary>The <c>key_file</c> setting.</summary>
    public string? KeyFile { get; init; }

    /// <summary>The <c>server_name</c> setting.</summary>
    public string? ServerName { get; init; }

    /// <summary>The <c>insecure_skip_verify</c> setting.</summary>
    public bool InsecureSkipVerify { get; init; }

    /// <summary>The <c>min_version</c> setting.</summary>
    public string? MinVersion { get; init; }
}
