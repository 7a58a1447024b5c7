using System.Collections;
using System.Globalization;
using System.Text;
using Guardia.Core.Templating.Internal;

namespace Guardia.Core.Templating;

/// <summary>Go's fmt package as templates use it: Sprint, Sprintln, Sprintf and %v formatting of template values.</summary>
public static class GoFormat
{
    /// <summary>Formats like Go's fmt.Sprint: a space between operands when neither is a string.</summary>
    public static string Sprint(IReadOnlyList<object?> args)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < args.Count; i++)
        {
            // Go checks the kind, so string-kinded types such as template.HTML count as strings.
            if (i > 0 && args[i] is not (string or SafeHtml) && args[i - 1] is not (string or SafeHtml))
            {
                sb.Append(' ');
            }
            sb.Append(FormatValue(args[i]));
        }
        return sb.ToString();
    }

    /// <summary>Formats like Go's fmt.Sprintln: spaces between all operands and a final newline.</summary>
    public static string Sprintln(IReadOnlyList<object?> args)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < args.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }
            sb.Append(FormatValue(args[i]));
        }
        return sb.Append('\n').ToString();
    }

    /// <summary>Formats a value with Go's %v verb.</summary>
    public static string FormatValue(object? value) => FormatValue(value, 0);

    static string FormatValue(object? value, int depth)
    {
        switch (value)
        {
            case null:
                return "<nil>";
            case string s:
                return s;
            case bool b:
                return b ? "true" : "false";
            case long or int or byte or short or sbyte or ushort or uint or ulong:
                return Convert.ToString(value, CultureInfo.InvariantCulture)!;
            case double d:
                return GoFloat.Format(d, 'g', -1);
            case float f:
                return GoFloat.Format(f, 'g', -1);
            case TimeSpan t:
                return GoTime.FormatDuration(t);
            case ITemplateObject o:
                return o.ToString() ?? string.Empty;
            case IReadOnlyDictionary<string, string> m:
                return FormatMap(m.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value)), depth);
            case IReadOnlyDictionary<string, object?> m:
                return FormatMap(m, depth);
            case IEnumerable e:
                var sb = new StringBuilder("[");
                var first = true;
                foreach (var item in e)
                {
                    if (!first)
                    {
                        sb.Append(' ');
                    }
                    first = false;
                    sb.Append(FormatValue(item, depth + 1));
                }
                return sb.Append(']').ToString();
            default:
                return value.ToString() ?? string.Empty;
        }
    }

    static string FormatMap(IEnumerable<KeyValuePair<string, object?>> map, int depth)
    {
        var sb = new StringBuilder("map[");
        var first = true;
        foreach (var kv in map.OrderBy(kv => kv.Key, Alerts.LabelNames.Utf8Comparer))
        {
            if (!first)
            {
                sb.Append(' ');
            }
            first = false;
            sb.Append(kv.Key).Append(':').Append(FormatValue(kv.Value, depth + 1));
        }
        return sb.Append(']').ToString();
    }

    /// <summary>Returns the Go type name of a template value, as %T prints it.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "<nil>",
        string => "string",
        bool => "bool",
        long => "int",
        int => "int",
        byte => "uint8",
        double => "float64",
        float => "float32",
        TimeSpan => "time.Duration",
        ITemplateObject o => o.TemplateTypeName,
        IReadOnlyDictionary<string, string> => "map[string]string",
        IReadOnlyDictionary<string, object?> => "map[string]interface {}",
        IEnumerable<string> => "[]string",
        IEnumerable => "[]interface {}",
        Delegate => "func",
        _ => value.GetType().Name,
    };

    /// <summary>Quotes a string as Go's strconv.Quote does.</summary>
    public static string Quote(string s) => Quote(s, asciiOnly: false);

    static string Quote(string s, bool asciiOnly)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            int cp = s[i];
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                cp = char.ConvertToUtf32(s[i], s[i + 1]);
                i++;
            }
            AppendEscapedRune(sb, cp, '"', asciiOnly);
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Quotes a rune as Go's strconv.QuoteRune does.</summary>
    public static string QuoteRune(int rune)
    {
        var sb = new StringBuilder("'");
        AppendEscapedRune(sb, rune, '\'', asciiOnly: false);
        return sb.Append('\'').ToString();
    }

    static void AppendEscapedRune(StringBuilder sb, int cp, char quote, bool asciiOnly)
    {
        if (cp == quote || cp == '\\')
        {
            sb.Append('\\').Append((char)cp);
            return;
        }
        if (asciiOnly ? cp is >= 0x20 and < 0x7F : IsPrint(cp))
        {
            sb.Append(char.ConvertFromUtf32(cp));
            return;
        }
        switch (cp)
        {
            case '\a': sb.Append(@"\a"); return;
            case '\b': sb.Append(@"\b"); return;
            case '\f': sb.Append(@"\f"); return;
            case '\n': sb.Append(@"\n"); return;
            case '\r': sb.Append(@"\r"); return;
            case '\t': sb.Append(@"\t"); return;
            case '\v': sb.Append(@"\v"); return;
            default: break;
        }
        if (cp < ' ' || cp == 0x7F)
        {
            sb.Append(@"\x").Append(cp.ToString("x2", CultureInfo.InvariantCulture));
        }
        else if (cp is >= 0xD800 and <= 0xDFFF)
        {
            sb.Append(@"\ufffd");
        }
        else if (cp < 0x10000)
        {
            sb.Append(@"\u").Append(cp.ToString("x4", CultureInfo.InvariantCulture));
        }
        else
        {
            sb.Append(@"\U").Append(cp.ToString("x8", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    internal static bool IsPrint(int cp)
    {
        if (cp < 0x20 || cp == 0x7F)
        {
            return false;
        }
        if (cp < 0x7F)
        {
            return true;
        }
        if (cp is >= 0xD800 and <= 0xDFFF)
        {
            return false;
        }
        var cat = CharUnicodeInfo.GetUnicodeCategory(cp);
        return cat is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator) || cp == 0x20;
    }

    /// <summary>Formats like Go's fmt.Sprintf for the verbs templates use (flags, width, precision, %v %s %d %q %x %f %e %g %t %c %T %%).</summary>
    public static string Sprintf(string format, IReadOnlyList<object?> args)
    {
        var sb = new StringBuilder();
        var argIndex = 0;
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i];
            if (c != '%')
            {
                sb.Append(c);
                i++;
                continue;
            }
            i++;
            var spec = new Spec();
            for (; i < format.Length; i++)
            {
                switch (format[i])
                {
                    case '+': spec.Plus = true; continue;
                    case '-': spec.Minus = true; continue;
                    case '#': spec.Sharp = true; continue;
                    case ' ': spec.Space = true; continue;
                    case '0': spec.Zero = true; continue;
                    default: break;
                }
                break;
            }
            if (i < format.Length && format[i] == '*')
            {
                i++;
                if (argIndex < args.Count && ToInt(args[argIndex]) is long w)
                {
                    spec.Width = (int)w;
                    if (spec.Width < 0)
                    {
                        spec.Minus = true;
                        spec.Width = -spec.Width;
                    }
                }
                else
                {
                    sb.Append("%!(BADWIDTH)");
                }
                argIndex++;
            }
            else
            {
                spec.Width = ParseNum(format, ref i);
            }
            if (i < format.Length && format[i] == '.')
            {
                i++;
                if (i < format.Length && format[i] == '*')
                {
                    i++;
                    if (argIndex < args.Count && ToInt(args[argIndex]) is long p)
                    {
                        spec.Precision = p < 0 ? -1 : (int)p;
                    }
                    else
                    {
                        sb.Append("%!(BADPREC)");
                    }
                    argIndex++;
                }
                else
                {
                    spec.Precision = Math.Max(ParseNum(format, ref i), 0);
                }
            }
            if (i >= format.Length)
            {
                sb.Append("%!(NOVERB)");
                break;
            }
            var verb = char.ConvertToUtf32(format, i);
            i += char.IsSurrogatePair(format, i) ? 2 : 1;
            if (verb == '%')
            {
                sb.Append('%');
                continue;
            }
            if (argIndex >= args.Count)
            {
                sb.Append("%!").Append(char.ConvertFromUtf32(verb)).Append("(MISSING)");
                continue;
            }
            spec.Verb = (char)verb;
            FormatArg(sb, spec, args[argIndex++]);
        }
        if (argIndex < args.Count)
        {
            sb.Append("%!(EXTRA ");
            for (var k = argIndex; k < args.Count; k++)
            {
                if (k > argIndex)
                {
                    sb.Append(", ");
                }
                sb.Append(args[k] is null ? "<nil>" : $"{TypeName(args[k])}={FormatValue(args[k])}");
            }
            sb.Append(')');
        }
        return sb.ToString();
    }

    static long? ToInt(object? v) => v switch
    {
        long l => l,
        int n => n,
        byte b => b,
        _ => null,
    };

    static int ParseNum(string s, ref int i)
    {
        var start = i;
        var n = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            n = (n * 10) + (s[i] - '0');
            i++;
        }
        return i == start ? -1 : n;
    }

    struct Spec
    {
        public bool Plus;
        public bool Minus;
        public bool Sharp;
        public bool Space;
        public bool Zero;
        public int Width;
        public int Precision;
        public char Verb;

        public Spec()
        {
            Width = -1;
            Precision = -1;
        }
    }

    static void FormatArg(StringBuilder sb, Spec spec, object? arg)
    {
        if (spec.Verb == 'T')
        {
            Pad(sb, spec, TypeName(arg));
            return;
        }
        switch (arg)
        {
            case null:
                if (spec.Verb == 'v')
                {
                    Pad(sb, spec, "<nil>");
                }
                else
                {
                    BadVerb(sb, spec.Verb, arg);
                }
                return;
            case bool b:
                if (spec.Verb is 'v' or 't')
                {
                    Pad(sb, spec, b ? "true" : "false");
                }
                else
                {
                    BadVerb(sb, spec.Verb, arg);
                }
                return;
            case long or int or byte:
                FormatInteger(sb, spec, Convert.ToInt64(arg, CultureInfo.InvariantCulture), arg);
                return;
            case double or float:
                FormatFloat(sb, spec, Convert.ToDouble(arg, CultureInfo.InvariantCulture), arg);
                return;
            case string s:
                FormatString(sb, spec, s, arg);
                return;
            case ITemplateObject or TimeSpan:
                // Types with a String method print through it for the string verbs, as fmt's handleMethods does.
                if (spec.Verb is 'v' or 's' or 'q' or 'x' or 'X')
                {
                    FormatString(sb, spec, FormatValue(arg), arg);
                }
                else if (arg is TimeSpan t)
                {
                    FormatInteger(sb, spec, t.Ticks * 100, arg);
                }
                else
                {
                    BadVerb(sb, spec.Verb, arg);
                }
                return;
            case IReadOnlyDictionary<string, string> or IReadOnlyDictionary<string, object?>:
                Pad(sb, spec, FormatValue(arg));
                return;
            case IEnumerable e:
                sb.Append('[');
                var first = true;
                var inner = spec;
                foreach (var item in e)
                {
                    if (!first)
                    {
                        sb.Append(' ');
                    }
                    first = false;
                    FormatArg(sb, inner, item);
                }
                sb.Append(']');
                return;
            default:
                Pad(sb, spec, FormatValue(arg));
                return;
        }
    }

    static void BadVerb(StringBuilder sb, char verb, object? arg)
    {
        sb.Append("%!").Append(verb).Append('(');
        sb.Append(arg is null ? "<nil>" : $"{TypeName(arg)}={FormatValue(arg)}");
        sb.Append(')');
    }

    static void Pad(StringBuilder sb, Spec spec, string s, bool numeric = false)
    {
        var width = spec.Width;
        var length = s.EnumerateRunes().Count();
        if (width <= length)
        {
            sb.Append(s);
            return;
        }
        var padding = width - length;
        if (spec.Minus)
        {
            sb.Append(s).Append(' ', padding);
        }
        else if (spec.Zero && numeric)
        {
            var signLength = s.Length > 0 && s[0] is '+' or '-' or ' ' ? 1 : 0;
            sb.Append(s, 0, signLength).Append('0', padding).Append(s, signLength, s.Length - signLength);
        }
        else if (spec.Zero && !numeric)
        {
            sb.Append('0', padding).Append(s);
        }
        else
        {
            sb.Append(' ', padding).Append(s);
        }
    }

    static void FormatInteger(StringBuilder sb, Spec spec, long v, object arg)
    {
        string body;
        var negative = v < 0;
        var magnitude = negative ? (ulong)(-(v + 1)) + 1 : (ulong)v;
        switch (spec.Verb)
        {
            case 'v' or 'd':
                body = magnitude.ToString(CultureInfo.InvariantCulture);
                break;
            case 'x':
                body = magnitude.ToString("x", CultureInfo.InvariantCulture);
                if (spec.Sharp)
                {
                    body = "0x" + body;
                }
                break;
            case 'X':
                body = magnitude.ToString("X", CultureInfo.InvariantCulture);
                if (spec.Sharp)
                {
                    body = "0X" + body;
                }
                break;
            case 'o':
                body = Convert.ToString((long)magnitude, 8);
                if (spec.Sharp)
                {
                    body = "0" + body;
                }
                break;
            case 'O':
                body = "0o" + Convert.ToString((long)magnitude, 8);
                break;
            case 'b':
                body = Convert.ToString((long)magnitude, 2);
                break;
            case 'c':
                Pad(sb, spec, IsValidRune(v) ? char.ConvertFromUtf32((int)v) : "\uFFFD");
                return;
            case 'q':
                Pad(sb, spec, IsValidRune(v) ? QuoteRune((int)v) : "'\uFFFD'");
                return;
            case 'U':
                body = "U+" + ((ulong)v).ToString("X4", CultureInfo.InvariantCulture);
                if (spec.Sharp && IsValidRune(v))
                {
                    body += " '" + char.ConvertFromUtf32((int)v) + "'";
                }
                Pad(sb, spec, body);
                return;
            default:
                BadVerb(sb, spec.Verb, arg);
                return;
        }
        if (spec.Precision >= 0)
        {
            if (spec.Precision == 0 && v == 0)
            {
                body = string.Empty;
            }
            else if (body.Length < spec.Precision)
            {
                body = new string('0', spec.Precision - body.Length) + body;
            }
        }
        var sign = negative ? "-" : spec.Plus ? "+" : spec.Space ? " " : string.Empty;
        var padSpec = spec;
        if (spec.Precision >= 0)
        {
            padSpec.Zero = false;
        }
        Pad(sb, padSpec, sign + body, numeric: true);
    }

    static bool IsValidRune(long v) => v is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF);

    static void FormatFloat(StringBuilder sb, Spec spec, double v, object arg)
    {
        string body;
        switch (spec.Verb)
        {
            case 'v':
                body = GoFloat.Format(v, 'g', spec.Precision);
                break;
            case 'e' or 'E' or 'g' or 'G':
                body = GoFloat.Format(v, spec.Verb, spec.Precision < 0 && spec.Verb is 'e' or 'E' ? 6 : spec.Precision);
                break;
            case 'f' or 'F':
                body = GoFloat.Format(v, 'f', spec.Precision < 0 ? 6 : spec.Precision);
                break;
            default:
                BadVerb(sb, spec.Verb, arg);
                return;
        }
        if (spec.Plus && body[0] != '-' && body[0] != '+')
        {
            body = "+" + body;
        }
        else if (spec.Space && body[0] != '-' && body[0] != '+')
        {
            body = " " + body;
        }
        else if (!spec.Plus && body == "+Inf")
        {
            body = "+Inf";
        }
        var padSpec = spec;
        if (double.IsNaN(v) || double.IsInfinity(v))
        {
            padSpec.Zero = false;
        }
        Pad(sb, padSpec, body, numeric: true);
    }

    static void FormatString(StringBuilder sb, Spec spec, string s, object arg)
    {
        if (spec.Precision >= 0 && spec.Verb is 's' or 'v' or 'q' or 'x' or 'X')
        {
            var runes = s.EnumerateRunes().Take(spec.Precision).ToArray();
            s = string.Concat(runes.Select(r => r.ToString()));
        }
        switch (spec.Verb)
        {
            case 'v' when spec.Sharp:
                Pad(sb, spec, Quote(s));
                return;
            case 'v' or 's':
                Pad(sb, spec, s);
                return;
            case 'q':
                if (spec.Sharp && !s.Contains('`', StringComparison.Ordinal) && s.All(c => c == '\t' || !char.IsControl(c)))
                {
                    Pad(sb, spec, "`" + s + "`");
                }
                else
                {
                    Pad(sb, spec, Quote(s, asciiOnly: spec.Plus));
                }
                return;
            case 'x' or 'X':
                var bytes = Encoding.UTF8.GetBytes(s);
                var hex = new StringBuilder();
                for (var i = 0; i < bytes.Length; i++)
                {
                    if (spec.Space && i > 0)
                    {
                        hex.Append(' ');
                    }
                    if (spec.Sharp && (spec.Space || i == 0))
                    {
                        hex.Append(spec.Verb == 'x' ? "0x" : "0X");
                    }
                    hex.Append(bytes[i].ToString(spec.Verb == 'x' ? "x2" : "X2", CultureInfo.InvariantCulture));
                }
                Pad(sb, spec, hex.ToString());
                return;
            default:
                BadVerb(sb, spec.Verb, arg);
                return;
        }
    }
}
