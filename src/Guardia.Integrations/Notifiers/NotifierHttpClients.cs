using System.Collections.Concurrent;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Guardia.Core.Configuration;

namespace Guardia.Integrations.Notifiers;

/// <summary>
/// One HttpClient per distinct <c>http_config</c>, honouring its proxy_url, follow_redirects and tls_config
/// (ca_file, cert_file/key_file, server_name, insecure_skip_verify, min_version) and oauth2 (<see cref="OAuth2Handler"/>).
/// Other authentication headers are added per request by <see cref="HttpAuthorization"/>, so files are re-read as
/// Prometheus re-reads them.
/// </summary>
public sealed class NotifierHttpClients : IDisposable
{
    readonly ConcurrentDictionary<HttpClientConfig, HttpClient> _clients = new();

    /// <summary>The client for <paramref name="config"/>, created on first use.</summary>
    public HttpClient For(HttpClientConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return _clients.GetOrAdd(config, Create);
    }

    /// <summary>A new client for <paramref name="config"/>; the caller owns it.</summary>
    public static HttpClient Create(HttpClientConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = config.FollowRedirects,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // A receiver that stops answering must not make a busy group open connections without end.
            MaxConnectionsPerServer = 64,
        };
        if (config.ProxyUrl is { Length: > 0 } proxy)
        {
            handler.Proxy = new WebProxy(new Uri(proxy));
            handler.UseProxy = true;
        }
        var tls = config.TlsConfig;
        var ssl = handler.SslOptions;
        if (tls.ServerName is { Length: > 0 } serverName)
        {
            ssl.TargetHost = serverName;
        }
        if (tls.MinVersion is { } min)
        {
            ssl.EnabledSslProtocols = min.ToUpperInvariant() switch
            {
                "TLS13" => SslProtocols.Tls13,
                _ => SslProtocols.Tls12 | SslProtocols.Tls13,
            };
        }
        if (tls.CertFile is { Length: > 0 } cert && tls.KeyFile is { Length: > 0 } key)
        {
            ssl.ClientCertificates = [X509Certificate2.CreateFromPemFile(cert, key)];
        }
        if (tls.InsecureSkipVerify)
        {
            // The operator asked for it with tls_config.insecure_skip_verify, as Alertmanager allows.
#pragma warning disable CA5359
            ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (tls.CaFile is { Length: > 0 } caFile)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust };
            policy.CustomTrustStore.AddRange(roots);
            ssl.CertificateChainPolicy = policy;
        }
        HttpMessageHandler outer = config.OAuth2 is { } oauth2 ? new OAuth2Handler(oauth2, handler, TimeProvider.System) : handler;
        var client = new HttpClient(outer, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        if (!config.EnableHttp2)
        {
            client.DefaultRequestVersion = HttpVersion.Version11;
            client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        return client;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var c in _clients.Values)
        {
            c.Dispose();
        }
        _clients.Clear();
    }
}
