using System.Text;
using Guardia.Core.Alerts;

namespace Guardia.Core.Matching;

/// <summary>Parses matchers with the syntax and tolerance of Alertmanager 0.25's <c>labels.ParseMatchers</c>.</summary>
public static class MatcherParser
{
    /// <summary>Parses a comma-separated list such as <c>{foo="bar", env=~"prod|qa"}</c>; braces, quotes and a trailing comma are optional.</summary>
    /// <exception cref="MatcherException">A matcher is malformed; the message is Alertmanager's.</exception>
    public static IReadOnlyList<Matcher> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.StartsWith('{') ? text[1..] : text;
        s = s.EndsWith('}') ? s[..^1] : s;

        var tokens = new List<string>();
        var token = new StringBuilder();
        bool insideQuotes = false, escaped = false;
        foreach (var c in s)
        {
            switch (c)
            {
                case ',' when !insideQuotes:
                    tokens.Add(token.ToString());
                    token.Clear();
                    continue;
                case ',':
                    break;
                case '"':
                    if (!escaped)
                    {
                        insideQuotes = !insideQuotes;
                    }
                    else
                    {
                        escaped = false;
                    }
                    break;
                case '\\':
                    escaped = !escaped;
                    break;
                default:
                    escaped = false;
                    break;
            }
            token.Append(c);
        }
        // Alertmanager trims the last token with Unicode white space (strings.TrimSpace), unlike the ASCII \s of ParseMatcher.
        var last = token.ToString().Trim();
        if (last.Length > 0)
        {
            tokens.Add(last);
        }
        var result = new List<Matcher>(tokens.Count);
        foreach (var t in tokens)
        {
            result.Add(ParseMatcher(t));
        }
        return result;
    }

    /// <summary>Parses one matcher such as <c>severity="critical"</c>, <c>env=~prod|qa</c> or <c>team!=""</c>.</summary>
    /// <exception cref="MatcherException">The matcher is malformed; the message is Alertmanager's.</exception>
    public static Matcher ParseMatcher(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Equivalent to ^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*((?s).*?)\s*$ with Go's ASCII \s.
        var i = SkipSpace(text, 0);
        var nameStart = i;
        if (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] is '_' or ':'))
        {
            i++;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or ':'))
            {
                i++;
            }
        }
        if (i == nameStart)
        {
            throw BadFormat(text);
        }
        var name = text[nameStart..i];
        i = SkipSpace(text, i);
        MatchType type;
        if (At(text, i, "=~"))
        {
            type = MatchType.Regexp;
            i += 2;
        }
        else if (At(text, i, "="))
        {
            type = MatchType.Equal;
            i += 1;
        }
        else if (At(text, i, "!="))
        {
            type = MatchType.NotEqual;
            i += 2;
        }
        else if (At(text, i, "!~"))
        {
            type = MatchType.NotRegexp;
            i += 2;
        }
        else
        {
            throw BadFormat(text);
        }
        i = SkipSpace(text, i);
        var rawValue = TrimGoSpace(text[i..]);
        var shownValue = rawValue;

        var expectTrailingQuote = false;
        if (rawValue.StartsWith('"'))
        {
            rawValue = rawValue[1..];
            expectTrailingQuote = true;
        }
        if (!LabelNames.IsValidValue(rawValue))
        {
            throw new MatcherException("matcher value not valid UTF-8: " + shownValue);
        }
        var value = new StringBuilder(rawValue.Length);
        var escaped = false;
        for (var k = 0; k < rawValue.Length; k++)
        {
            var c = rawValue[k];
            if (escaped)
            {
                escaped = false;
                switch (c)
                {
                    case 'n':
                        value.Append('\n');
                        break;
                    case '"' or '\\':
                        value.Append(c);
                        break;
                    default:
                        // A spurious escape: the backslash is literal.
                        value.Append('\\').Append(c);
                        break;
                }
                continue;
            }
            switch (c)
            {
                case '\\' when k < rawValue.Length - 1:
                    escaped = true;
                    break;
                case '\\':
                    value.Append('\\');
                    break;
                case '"':
                    if (!expectTrailingQuote || k < rawValue.Length - 1)
                    {
                        throw new MatcherException("matcher value contains unescaped double quote: " + shownValue);
                    }
                    expectTrailingQuote = false;
                    break;
                default:
                    value.Append(c);
                    break;
            }
        }
        if (expectTrailingQuote)
        {
            throw new MatcherException("matcher value contains unescaped double quote: " + shownValue);
        }
        return new Matcher(type, name, value.ToString());
    }

    static MatcherException BadFormat(string text) => new("bad matcher format: " + text);

    static bool At(string s, int i, string op) => string.CompareOrdinal(s, i, op, 0, op.Length) == 0;

    static bool IsGoSpace(char c) => c is ' ' or '\t' or '\n' or '\f' or '\r';

    static int SkipSpace(string s, int i)
    {
        while (i < s.Length && IsGoSpace(s[i]))
        {
            i++;
        }
        return i;
    }

    static string TrimGoSpace(string s)
    {
        int start = 0, end = s.Length;
        while (start < end && IsGoSpace(s[start]))
        {
            start++;
        }
        while (end > start && IsGoSpace(s[end - 1]))
        {
            end--;
        }
        return s[start..end];
    }
}
