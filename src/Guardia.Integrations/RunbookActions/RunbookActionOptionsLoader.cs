using System.Globalization;
using Guardia.Core.Configuration;
using Npgsql;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Guardia.Integrations.RunbookActions;

/// <summary>Reads the <c>runbook_actions:</c> section of Guardia's settings; every error carries its file, line and column.</summary>
/// <example>
/// <code>
/// scratch_dir: /var/lib/guardia/steps
/// output_limit_bytes: 65536
/// max_timeout: 30m
/// executables: [bash, kubectl, curl, jq, grep]
/// executable_path: [/usr/local/bin, /usr/bin, /bin]
/// kubectl_dry_run: none            # none | client | server
/// http:
///   allowed_url_prefixes: ["http://127.0.0.1:", "https://api.tiendi.pe/"]
/// prometheus:
///   default: http://127.0.0.1:9090
/// sql:
///   orders:
///     provider: postgresql
///     connection_string: Host=db;Username=guardia_ro;Password=...;Database=orders
///   local:
///     provider: sqlite
///     file: /var/lib/guardia/guardia.db
///     read_only: false
/// </code>
/// </example>
public static class RunbookActionOptionsLoader
{
    static readonly string[] TopFields = ["scratch_dir", "output_limit_bytes", "max_timeout", "executables", "executable_path", "kubectl_dry_run", "http", "prometheus", "sql"];
    static readonly string[] HttpFields = ["allowed_url_prefixes"];
    static readonly string[] SqlFields = ["provider", "connection_string", "file", "read_only"];

    /// <summary>Parses the section's YAML text (a mapping whose fields are the ones in the example).</summary>
    /// <exception cref="ConfigException">The text is not valid YAML or a field is unknown, duplicated or invalid.</exception>
    public static RunbookActionOptions Load(string yaml, string file)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(file);
        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            using var reader = new StringReader(yaml);
            stream.Load(reader);
            root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        }
        catch (YamlException ex)
        {
            throw new ConfigException(file, (int)ex.Start.Line, (int)ex.Start.Column, "invalid YAML: " + ex.Message, null, ex);
        }
        return root is null ? new RunbookActionOptions() : Load(root, file);
    }

    /// <summary>Parses an already loaded section node.</summary>
    /// <exception cref="ConfigException">A field is unknown, duplicated or invalid.</exception>
    public static RunbookActionOptions Load(YamlNode node, string file)
    {
        ArgumentNullException.ThrowIfNull(node);
        var top = Fields(file, node, "runbook_actions", TopFields);
        var options = new RunbookActionOptions();
        if (top.TryGetValue("scratch_dir", out var scratch))
        {
            var dir = Scalar(file, scratch, "scratch_dir");
            if (!Path.IsPathFullyQualified(dir))
            {
                throw Error(file, scratch, $"scratch_dir must be an absolute path, not \"{dir}\"");
            }
            options = options with { ScratchRoot = dir };
        }
        if (top.TryGetValue("output_limit_bytes", out var limit))
        {
            var text = Scalar(file, limit, "output_limit_bytes");
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) || bytes < 1024 || bytes > 16 * 1024 * 1024)
            {
                throw Error(file, limit, $"output_limit_bytes must be a whole number between 1024 and 16777216, not \"{text}\"");
            }
            options = options with { OutputLimitBytes = bytes };
        }
        if (top.TryGetValue("max_timeout", out var max))
        {
            options = options with { MaxTimeout = Duration(file, max, "max_timeout") };
        }
        if (top.TryGetValue("executables", out var exes))
        {
            var list = List(file, exes, "executables");
            foreach (var (name, n) in list)
            {
                if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name is "." or "..")
                {
                    throw Error(file, n, $"executables lists program names such as \"jq\", not paths: \"{name}\"");
                }
            }
            options = options with { Executables = [.. list.Select(e => e.Value).Distinct(StringComparer.Ordinal)] };
        }
        if (top.TryGetValue("executable_path", out var path))
        {
            var list = List(file, path, "executable_path");
            foreach (var (dir, n) in list)
            {
                if (!Path.IsPathFullyQualified(dir))
                {
                    throw Error(file, n, $"executable_path entries must be absolute directories, not \"{dir}\"");
                }
            }
            options = options with { ExecutableSearchPath = [.. list.Select(e => e.Value)] };
        }
        if (top.TryGetValue("kubectl_dry_run", out var dry))
        {
            var mode = Scalar(file, dry, "kubectl_dry_run");
            if (mode is not ("none" or "client" or "server"))
            {
                throw Error(file, dry, $"kubectl_dry_run must be none, client or server, not \"{mode}\"");
            }
            options = options with { KubectlDryRun = mode };
        }
        if (top.TryGetValue("http", out var http))
        {
            var fields = Fields(file, http, "http", HttpFields);
            if (fields.TryGetValue("allowed_url_prefixes", out var prefixes))
            {
                var list = List(file, prefixes, "allowed_url_prefixes");
                foreach (var (prefix, n) in list)
                {
                    if (!Uri.TryCreate(prefix, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps))
                    {
                        throw Error(file, n, $"allowed_url_prefixes entries must start with http:// or https:// and a host, not \"{prefix}\"");
                    }
                }
                options = options with { HttpAllowedUrlPrefixes = [.. list.Select(e => e.Value)] };
            }
        }
        if (top.TryGetValue("prometheus", out var prom))
        {
            var map = new Dictionary<string, Uri>(StringComparer.Ordinal);
            foreach (var (name, value) in Map(file, prom, "prometheus"))
            {
                var text = Scalar(file, value, "prometheus." + name);
                if (!Uri.TryCreate(text, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps))
                {
                    throw Error(file, value, $"prometheus.{name} must be an http:// or https:// URL, not \"{text}\"", "for example http://127.0.0.1:9090");
                }
                map[name] = u;
            }
            options = options with { Prometheus = map };
        }
        if (top.TryGetValue("sql", out var sql))
        {
            var map = new Dictionary<string, SqlConnectionOptions>(StringComparer.Ordinal);
            var redacted = new List<string>(options.RedactedValues);
            foreach (var (name, value) in Map(file, sql, "sql"))
            {
                var connection = SqlConnection(file, name, value);
                map[name] = connection;
                if (connection.Provider == SqlProvider.PostgreSql && new NpgsqlConnectionStringBuilder(connection.ConnectionString).Password is { Length: > 0 } password)
                {
                    redacted.Add(password);
                }
            }
            options = options with { SqlConnections = map, RedactedValues = redacted };
        }
        return options;
    }

    static SqlConnectionOptions SqlConnection(string file, string name, YamlNode node)
    {
        var fields = Fields(file, node, "sql." + name, SqlFields);
        if (!fields.TryGetValue("provider", out var providerNode))
        {
            throw Error(file, node, $"sql.{name} needs a provider: sqlite or postgresql");
        }
        var providerText = Scalar(file, providerNode, "provider");
        var provider = providerText switch
        {
            "sqlite" => SqlProvider.Sqlite,
            "postgresql" or "postgres" => SqlProvider.PostgreSql,
            _ => throw Error(file, providerNode, $"provider must be sqlite or postgresql, not \"{providerText}\""),
        };
        var readOnly = true;
        if (fields.TryGetValue("read_only", out var ro))
        {
            readOnly = Scalar(file, ro, "read_only") switch
            {
                "true" => true,
                "false" => false,
                var other => throw Error(file, ro, $"read_only must be true or false, not \"{other}\""),
            };
        }
        fields.TryGetValue("connection_string", out var csNode);
        fields.TryGetValue("file", out var fileNode);
        if ((csNode is null) == (fileNode is null))
        {
            throw Error(file, node, $"sql.{name} needs exactly one of connection_string or file");
        }
        string connectionString;
        if (fileNode is not null)
        {
            if (provider != SqlProvider.Sqlite)
            {
                throw Error(file, fileNode, "file is for sqlite connections; give postgresql a connection_string");
            }
            var path = Scalar(file, fileNode, "file");
            if (!Path.IsPathFullyQualified(path))
            {
                throw Error(file, fileNode, $"file must be an absolute path, not \"{path}\"");
            }
            connectionString = "Data Source=" + path;
        }
        else
        {
            connectionString = Scalar(file, csNode!, "connection_string");
            try
            {
                _ = provider == SqlProvider.Sqlite
                    ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).ConnectionString
                    : new NpgsqlConnectionStringBuilder(connectionString).ConnectionString;
            }
            catch (ArgumentException ex)
            {
                // The message may quote the string, password included: say what is wrong without it.
                throw Error(file, csNode!, $"sql.{name}.connection_string is not a valid {providerText} connection string ({ex.GetType().Name})");
            }
        }
        return new SqlConnectionOptions(name, provider, connectionString, readOnly);
    }

    static Dictionary<string, YamlNode> Fields(string file, YamlNode node, string what, string[] known)
    {
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (key, value) in Map(file, node, what))
        {
            if (!known.Contains(key))
            {
                throw Error(file, value, $"unknown field \"{key}\" in {what}", "valid fields here: " + string.Join(", ", known));
            }
            result[key] = value;
        }
        return result;
    }

    static List<(string Key, YamlNode Value)> Map(string file, YamlNode node, string what)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw Error(file, node, $"{what} must be a mapping of fields");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<(string, YamlNode)>();
        foreach (var (k, v) in mapping.Children)
        {
            if (k is not YamlScalarNode { Value: { } key })
            {
                throw Error(file, k, $"keys in {what} must be plain strings");
            }
            if (!seen.Add(key))
            {
                throw Error(file, k, $"\"{key}\" is already set in {what}");
            }
            list.Add((key, v));
        }
        return list;
    }

    static string Scalar(string file, YamlNode node, string field) =>
        node is YamlScalarNode { Value: { } v } ? v : throw Error(file, node, $"{field} must be a single value");

    static List<(string Value, YamlNode Node)> List(string file, YamlNode node, string field)
    {
        if (node is not YamlSequenceNode seq)
        {
            throw Error(file, node, $"{field} must be a list", "start each entry with \"- \" or write [a, b]");
        }
        return [.. seq.Children.Select(c => (Scalar(file, c, field + " item"), c))];
    }

    static TimeSpan Duration(string file, YamlNode node, string field)
    {
        var text = Scalar(file, node, field);
        try
        {
            var d = PromDuration.Parse(text);
            return d > TimeSpan.Zero ? d : throw Error(file, node, $"{field} must be longer than 0");
        }
        catch (FormatException ex)
        {
            throw Error(file, node, $"{ex.Message} in {field}", "durations look like 30s, 5m or 1h30m");
        }
    }

    static ConfigException Error(string file, YamlNode node, string message, string? hint = null) =>
        new(file, (int)node.Start.Line, (int)node.Start.Column, message, hint);
}
