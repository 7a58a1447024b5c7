using System.Globalization;
using System.Text.RegularExpressions;
using Guardia.Core.Configuration;

namespace Guardia.Core.Runbooks;

/// <summary>Parameter values of one run, validated against the runbook's declarations.</summary>
/// <param name="Values">Every declared parameter that has a value (given or default), by name.</param>
/// <param name="Secrets">The names of the secret parameters.</param>
public sealed record ResolvedParameters(IReadOnlyDictionary<string, string> Values, IReadOnlySet<string> Secrets)
{
    /// <summary>The values with secrets replaced by <c>&lt;secret&gt;</c>, for descriptions and logs.</summary>
    public IReadOnlyDictionary<string, string> Redacted =>
        Values.ToDictionary(kv => kv.Key, kv => Secrets.Contains(kv.Key) ? "<secret>" : kv.Value, StringComparer.Ordinal);
}

/// <summary>Validates parameter values by type and pattern before anything runs.</summary>
public static class RunbookParameters
{
    /// <summary>Why <paramref name="value"/> is not valid for <paramref name="parameter"/>, or null when it is.</summary>
    public static string? Check(RunbookParameter parameter, string value)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            return "the value contains a NUL character";
        }
        var typeOk = parameter.Type switch
        {
            RunbookParameterType.WholeNumber => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            RunbookParameterType.Number => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d),
            RunbookParameterType.TrueFalse => value is "true" or "false",
            RunbookParameterType.Url => Uri.TryCreate(value, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps),
            RunbookParameterType.Duration => IsDuration(value),
            _ => true,
        };
        if (!typeOk)
        {
            return $"\"{Shown(parameter, value)}\" is not a valid {RunbookParser.TypeName(parameter.Type)}";
        }
        if (parameter.Pattern is { } pattern)
        {
            bool match;
            try
            {
                match = Regex.IsMatch(value, "^(?:" + pattern + ")$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (RegexMatchTimeoutException)
            {
                match = false;
            }
            if (!match)
            {
                return $"\"{Shown(parameter, value)}\" does not match the pattern {pattern}";
            }
        }
        return null;
    }

    /// <summary>Validates <paramref name="given"/> against the runbook: unknown names, missing required values, types
    /// and patterns; fills in defaults. Throws a <see cref="RunbookException"/> listing every problem.</summary>
    public static ResolvedParameters Resolve(Runbook runbook, IReadOnlyDictionary<string, string> given)
    {
        ArgumentNullException.ThrowIfNull(runbook);
        ArgumentNullException.ThrowIfNull(given);
        var errors = new List<string>();
        foreach (var name in given.Keys)
        {
            if (runbook.Parameters.All(p => p.Name != name))
            {
                errors.Add($"unknown parameter \"{name}\" (declared: {string.Join(", ", runbook.Parameters.Select(p => p.Name))})");
            }
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in runbook.Parameters)
        {
            if (p.Secret)
            {
                secrets.Add(p.Name);
            }
            var value = given.TryGetValue(p.Name, out var v) ? v : p.Default;
            if (value is null)
            {
                if (p.Required)
                {
                    errors.Add($"parameter \"{p.Name}\" is required");
                }
                continue;
            }
            if (Check(p, value) is { } error)
            {
                errors.Add($"parameter \"{p.Name}\": {error}");
                continue;
            }
            values[p.Name] = value;
        }
        if (errors.Count > 0)
        {
            throw new RunbookException($"runbook \"{runbook.Id}\": " + string.Join("; ", errors));
        }
        return new ResolvedParameters(values, secrets);
    }

    static string Shown(RunbookParameter p, string value) => p.Secret ? "<secret>" : value;

    static bool IsDuration(string value)
    {
        try
        {
            _ = PromDuration.Parse(value);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>A runbook run was refused or an operation on it is not allowed (bad parameters, run limit, approval rules).</summary>
public sealed class RunbookException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RunbookException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public RunbookException()
        : this("runbook operation refused")
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    public RunbookException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
