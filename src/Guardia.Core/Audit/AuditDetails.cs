using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Guardia.Core.Configuration;

namespace Guardia.Core.Audit;

/// <summary>Builds the JSON <see cref="AuditEvent.Details"/> of an event with secrets redacted.</summary>
public static class AuditDetails
{
    static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static readonly string[] SecretWords = ["password", "passwd", "secret", "token", "authorization", "credential", "api_key", "apikey", "private_key", "routing_key", "service_key"];

    /// <summary>A JSON object of <paramref name="fields"/>; values of secret-sounding keys and any of
    /// <paramref name="secrets"/> found inside values are replaced by <c>&lt;secret&gt;</c>.</summary>
    public static string Of(IEnumerable<KeyValuePair<string, string?>> fields, IEnumerable<string>? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var known = secrets?.Where(s => s.Length > 0).OrderByDescending(s => s.Length).ToList() ?? [];
        var o = new JsonObject();
        foreach (var (key, value) in fields)
        {
            o[key] = value is null ? null : IsSecretKey(key) ? Secret.Redacted : Redact(value, known);
        }
        return o.ToJsonString(Readable);
    }

    /// <summary>A JSON object with numbers and strings as given (strings redacted as in <see cref="Of(IEnumerable{KeyValuePair{string, string}}, IEnumerable{string})"/>).</summary>
    public static string Of(JsonObject fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var copy = new JsonObject();
        foreach (var (key, value) in fields)
        {
            copy[key] = value is null ? null : IsSecretKey(key) ? Secret.Redacted : value.DeepClone();
        }
        return copy.ToJsonString(Readable);
    }

    /// <summary>True when a parameter with this name holds a secret: password, token, api_key…</summary>
    public static bool IsSecretKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var k = key.ToLowerInvariant().Replace('-', '_');
        return SecretWords.Any(w => k.Contains(w, StringComparison.Ordinal));
    }

    static string Redact(string value, List<string> secrets)
    {
        foreach (var s in secrets)
        {
            value = value.Replace(s, Secret.Redacted, StringComparison.Ordinal);
        }
        return value;
    }
}
