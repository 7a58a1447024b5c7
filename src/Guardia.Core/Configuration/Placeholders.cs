using System.Text.RegularExpressions;

namespace Guardia.Core.Configuration;

/// <summary>Recognises values that were copied from an example and never filled in, such as <c>YOUR_SLACK_WEBHOOK</c>.</summary>
public static partial class Placeholders
{
    [GeneratedRegex(@"^\s*(<[^>]*>|\$\{?[A-Za-z0-9_]+\}?|(YOUR|MY|ENTER|INSERT|PUT)[_\- ].*|.*[_\- ]HERE|CHANGE[_\- ]?ME|REPLACE[_\- ]?ME|CHANGE[_\- ]?IT|TODO|TBD|FIXME|X{3,}|PLACEHOLDER|EXAMPLE[_\- ]?(KEY|TOKEN|SECRET|URL)?)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex WholeValue();

    [GeneratedRegex(@"YOUR[_\-]|/X{3,}(/|$)|<[A-Za-z_ \-]+>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Fragment();

    /// <summary>Returns true when <paramref name="value"/> looks like an unfilled template value.</summary>
    public static bool IsPlaceholder(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return WholeValue().IsMatch(value) || Fragment().IsMatch(value);
    }

    /// <summary>Validates a receiver URL as Alertmanager does; returns its error message, or null when valid.</summary>
    public static string? ValidateUrl(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var scheme = string.Empty;
        if (colon > 0 && IsScheme(value.AsSpan(0, colon)))
        {
            scheme = value[..colon];
        }
        if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            return $"unsupported scheme \"{scheme}\" for URL";
        }
        var afterScheme = value.AsSpan(scheme.Length + 1);
        var authority = afterScheme.StartsWith("//") ? afterScheme[2..] : afterScheme;
        var end = authority.IndexOfAny("/?#");
        if ((end < 0 ? authority : authority[..end]).IsEmpty)
        {
            return "missing host for URL";
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            return $"parse \"{value}\": invalid URL";
        }
        return null;
    }

    static bool IsScheme(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty || !char.IsAsciiLetter(s[0]))
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '+' and not '-' and not '.')
            {
                return false;
            }
        }
        return true;
    }
}
