using Guardia.Core.Configuration;
using YamlDotNet.RepresentationModel;

namespace Guardia.Core.Access;

/// <summary>Reads the <c>api:</c> key of Guardia's settings file.</summary>
/// <example>
/// <code>
/// api:
///   ingestion_tokens:
///     - sender: prometheus-prod
///       token_file: secrets/prometheus.token   # relative to the settings file
///     - sender: grafana
///       token: s3cr3t-from-a-vault-template
/// </code>
/// </example>
public static class AccessConfigLoader
{
    static readonly string[] ApiFields = ["ingestion_tokens"];
    static readonly string[] TokenFields = ["sender", "token", "token_file"];

    /// <summary>Tokens shorter than this are refused: a bearer token is the only thing guarding ingestion.</summary>
    public const int MinimumTokenLength = 16;

    /// <summary>Parses the top-level <c>api:</c> key of <paramref name="root"/> (other keys are left to their own
    /// loaders); <see cref="AccessConfig.Default"/> when it is absent. <c>token_file</c> paths are relative to
    /// <paramref name="path"/>'s directory and read now.</summary>
    /// <exception cref="ConfigException">The section is invalid; the error has the file, line and column.</exception>
    public static AccessConfig Parse(string path, YamlMappingNode root)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(root);
        var ctx = new LoadContext(path);
        YamlNode? api = null;
        foreach (var (k, v) in root.Children)
        {
            if (k is YamlScalarNode { Value: "api" })
            {
                if (api is not null)
                {
                    throw ctx.Error(k, "field \"api\" is already set in the settings file");
                }
                api = v;
            }
        }
        if (api is null || YamlMap.IsNull(api))
        {
            return AccessConfig.Default;
        }
        var map = new YamlMap(ctx, api, "api", ApiFields);
        var tokens = new List<IngestionToken>();
        var senders = new HashSet<string>(StringComparer.Ordinal);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in map.Items("ingestion_tokens"))
        {
            var entry = new YamlMap(ctx, item, "ingestion token", TokenFields);
            var sender = entry.String("sender");
            if (string.IsNullOrWhiteSpace(sender))
            {
                throw ctx.Error(item, "an ingestion token needs a \"sender\" (who uses it, e.g. prometheus-prod)");
            }
            if (!senders.Add(sender))
            {
                throw ctx.Error(entry.Get("sender"), $"sender \"{sender}\" has two ingestion tokens", "give each sender one entry");
            }
            var inline = entry.String("token");
            var file = entry.String("token_file");
            if ((inline is null) == (file is null))
            {
                throw ctx.Error(item, $"ingestion token of \"{sender}\" needs exactly one of \"token\" or \"token_file\"");
            }
            YamlNode valueNode = entry.Get(inline is not null ? "token" : "token_file")!;
            var token = inline ?? ReadTokenFile(ctx, path, file!, valueNode);
            if (token.Length < MinimumTokenLength)
            {
                throw ctx.Error(valueNode, $"the ingestion token of \"{sender}\" is {token.Length} characters; use at least {MinimumTokenLength}",
                    "generate one with: openssl rand -base64 32");
            }
            if (token.Any(char.IsWhiteSpace))
            {
                throw ctx.Error(valueNode, $"the ingestion token of \"{sender}\" contains whitespace, which an Authorization header cannot carry");
            }
            if (!values.TryAdd(token, sender))
            {
                throw ctx.Error(valueNode, $"senders \"{values[token]}\" and \"{sender}\" share one token", "give each sender its own token so the audit can tell them apart");
            }
            tokens.Add(new IngestionToken(sender, new Secret(token)));
        }
        return new AccessConfig { IngestionTokens = tokens };
    }

    static string ReadTokenFile(LoadContext ctx, string settingsPath, string file, YamlNode node)
    {
        var full = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settingsPath)) ?? ".", file);
        try
        {
            // Like Prometheus' credentials_file: surrounding whitespace (the trailing newline) is not part of the token.
            return File.ReadAllText(full).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ctx.Error(node, $"cannot read token_file \"{file}\" ({full}): {ex.Message}");
        }
    }
}
