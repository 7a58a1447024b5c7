using System.Globalization;
using System.Text;

namespace Guardia.Core.Templating.Internal;

/// <summary>Escapes printed values for the HTML context they land in, following Go's html/template for text, attributes and URL attributes.</summary>
/// <remarks>The context is read from the output written so far (values are already escaped there, so they cannot open or close a tag).
/// Script and style bodies are treated as text, which html/template would escape as JavaScript or CSS instead.</remarks>
static class HtmlEscaping
{
    static readonly HashSet<string> UrlAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        "action", "archive", "background", "cite", "classid", "codebase", "data", "formaction", "href", "icon",
        "longdesc", "manifest", "poster", "profile", "src", "usemap", "xmlns",
    };

    enum Kind
    {
        Text,
        Attribute,
        Url,
    }

    /// <summary>Escapes <paramref name="value"/> for the context at the end of <paramref name="output"/>.</summary>
    /// <param name="output">What the template has written so far.</param>
    /// <param name="value">The printed value.</param>
    /// <param name="endsWith">The predefined escaper (<c>html</c> or <c>urlquery</c>) the action's pipeline ends with, if any:
    /// html/template lets it stand in for the equivalent context escaper instead of escaping twice.</param>
    public static string Escape(StringBuilder output, string value, string? endsWith)
    {
        var html = endsWith == "html";
        var urlquery = endsWith == "urlquery";
        var (kind, quoted, urlSoFar) = Detect(output);
        switch (kind)
        {
            case Kind.Attribute:
                return quoted ? (html ? value : EscapeHtml(value, nospace: false)) : EscapeHtml(value, nospace: true);
            case Kind.Url:
                string url;
                if (urlSoFar.Length == 0)
                {
                    url = !IsSafeUrl(value) ? "#ZgotmplZ" : urlquery ? value : ProcessUrl(value, normalize: true);
                }
                else if (urlquery)
                {
                    url = value;
                }
                else
                {
                    url = urlSoFar.Contains('?', StringComparison.Ordinal) || urlSoFar.Contains('#', StringComparison.Ordinal)
                        ? ProcessUrl(value, normalize: false)
                        : ProcessUrl(value, normalize: true);
                }
                return quoted && html ? url : EscapeHtml(url, nospace: !quoted);
            default:
                return html ? value : EscapeHtml(value, nospace: false);
        }
    }

    static (Kind Kind, bool Quoted, string UrlSoFar) Detect(StringBuilder output)
    {
        // Find the last '<' that starts a tag; when its '>' has not been written yet we are inside that tag.
        var start = -1;
        for (var i = output.Length - 1; i >= 0; i--)
        {
            if (output[i] == '>')
            {
                // A '>' inside a quoted attribute value would be escaped, so this closes a tag.
                return (Kind.Text, false, string.Empty);
            }
            if (output[i] == '<' && i + 1 < output.Length && (char.IsAsciiLetter(output[i + 1])))
            {
                start = i;
                break;
            }
        }
        if (start < 0)
        {
            return (Kind.Text, false, string.Empty);
        }
        var tag = output.ToString(start, output.Length - start);
        var pos = 1;
        while (pos < tag.Length && !IsSpace(tag[pos]) && tag[pos] != '/')
        {
            pos++;
        }
        while (true)
        {
            while (pos < tag.Length && (IsSpace(tag[pos]) || tag[pos] == '/'))
            {
                pos++;
            }
            if (pos >= tag.Length)
            {
                return (Kind.Attribute, false, string.Empty);
            }
            var nameStart = pos;
            while (pos < tag.Length && !IsSpace(tag[pos]) && tag[pos] != '=')
            {
                pos++;
            }
            var name = tag[nameStart..pos];
            while (pos < tag.Length && IsSpace(tag[pos]))
            {
                pos++;
            }
            if (pos >= tag.Length || tag[pos] != '=')
            {
                if (pos >= tag.Length)
                {
                    return (Kind.Attribute, false, string.Empty);
                }
                continue;
            }
            pos++;
            while (pos < tag.Length && IsSpace(tag[pos]))
            {
                pos++;
            }
            var isUrl = IsUrlAttribute(name);
            if (pos >= tag.Length)
            {
                return (isUrl ? Kind.Url : Kind.Attribute, false, string.Empty);
            }
            var quote = tag[pos];
            if (quote is '"' or '\'')
            {
                var end = tag.IndexOf(quote, pos + 1);
                if (end < 0)
                {
                    return (isUrl ? Kind.Url : Kind.Attribute, true, tag[(pos + 1)..]);
                }
                pos = end + 1;
                continue;
            }
            var valueStart = pos;
            while (pos < tag.Length && !IsSpace(tag[pos]))
            {
                pos++;
            }
            if (pos >= tag.Length)
            {
                return (isUrl ? Kind.Url : Kind.Attribute, false, tag[valueStart..]);
            }
        }
    }

    static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\f';

    static bool IsUrlAttribute(string name)
    {
        var n = name.ToLowerInvariant();
        if (n.StartsWith("data-", StringComparison.Ordinal))
        {
            n = n[5..];
        }
        else if (n.Contains(':', StringComparison.Ordinal))
        {
            n = n[(n.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }
        return UrlAttributes.Contains(n) || n.Contains("src", StringComparison.Ordinal) || n.Contains("uri", StringComparison.Ordinal) || n.Contains("url", StringComparison.Ordinal);
    }

    static bool IsSafeUrl(string url)
    {
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || url.IndexOf('/', StringComparison.Ordinal) is var slash && slash >= 0 && slash < colon)
        {
            return true;
        }
        var scheme = url[..colon];
        return scheme.Equals("http", StringComparison.OrdinalIgnoreCase) || scheme.Equals("https", StringComparison.OrdinalIgnoreCase)
            || scheme.Equals("mailto", StringComparison.OrdinalIgnoreCase);
    }

    // html/template's URL normaliser (normalize = true) keeps reserved characters; its escaper encodes them too.
    static string ProcessUrl(string s, bool normalize)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            var keep = char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'
                || (normalize && c is '!' or '#' or '$' or '&' or '*' or '+' or ',' or '/' or ':' or ';' or '=' or '?' or '@' or '[' or ']' or '%');
            if (keep)
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    static string EscapeHtml(string s, bool nospace)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\0': sb.Append('\uFFFD'); break;
                case '"': sb.Append("&#34;"); break;
                case '&': sb.Append("&amp;"); break;
                case '\'': sb.Append("&#39;"); break;
                case '+': sb.Append("&#43;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '\t' when nospace: sb.Append("&#9;"); break;
                case '\n' when nospace: sb.Append("&#10;"); break;
                case '\v' when nospace: sb.Append("&#11;"); break;
                case '\f' when nospace: sb.Append("&#12;"); break;
                case '\r' when nospace: sb.Append("&#13;"); break;
                case ' ' when nospace: sb.Append("&#32;"); break;
                case '=' when nospace: sb.Append("&#61;"); break;
                case '`' when nospace: sb.Append("&#96;"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }
}
