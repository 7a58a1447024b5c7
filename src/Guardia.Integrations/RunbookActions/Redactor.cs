using System.Collections;
using Guardia.Core.Configuration;
using Guardia.Core.Runbooks;

namespace Guardia.Integrations.RunbookActions;

/// <summary>Replaces secret values with <c>&lt;secret&gt;</c> in text that leaves a step: the request's secret parameters,
/// the installation's configured secrets and the values of Guardia's own secret-looking environment variables.</summary>
public sealed class Redactor
{
    /// <summary>Environment variable values shorter than this are not treated as secrets (they would redact noise).</summary>
    const int MinAmbientSecretLength = 8;

    static readonly string[] SecretNameParts = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "PRIVATE_KEY", "CREDENTIAL"];

    readonly string[] _values;

    /// <summary>Creates a redactor for the given values; empty values are ignored, longer values are replaced first.</summary>
    public Redactor(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = [.. values.Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length)];
    }

    /// <summary>The longest value redacted, so callers can keep that much extra text before cutting at a limit.</summary>
    public int LongestValue => _values.Length == 0 ? 0 : _values[0].Length;

    /// <summary>Builds the redactor for one step: its secret parameters plus the installation-wide values.</summary>
    public static Redactor For(StepRequest request, RunbookActionOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var values = new List<string>(options.RedactedValues);
        foreach (var name in request.SecretParameters)
        {
            if (request.Parameters.TryGetValue(name, out var v))
            {
                values.Add(v);
            }
        }
        values.AddRange(AmbientSecrets());
        return new Redactor(values);
    }

    /// <summary>Values of this process's environment variables whose names look like secrets (<c>GUARDIA_*</c>,
    /// or containing TOKEN, SECRET, PASSWORD, API_KEY, ...).</summary>
    public static IEnumerable<string> AmbientSecrets()
    {
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string name && e.Value is string value && value.Length >= MinAmbientSecretLength && LooksSecret(name))
            {
                yield return value;
            }
        }
    }

    /// <summary>True when an environment variable with this name probably holds a secret.</summary>
    public static bool LooksSecret(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var upper = name.ToUpperInvariant();
        return upper.StartsWith("GUARDIA_", StringComparison.Ordinal) || SecretNameParts.Any(p => upper.Contains(p, StringComparison.Ordinal));
    }

    /// <summary>Returns <paramref name="text"/> with every secret value replaced by <c>&lt;secret&gt;</c>.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var v in _values)
        {
            text = text.Replace(v, Secret.Redacted, StringComparison.Ordinal);
        }
        return text;
    }
}
