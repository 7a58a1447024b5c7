using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Guardia.Core.Matching;

/// <summary>Compiles Go RE2 syntax into a linear-time .NET regular expression.</summary>
/// <remarks>RE2 and .NET differ in details that change results: RE2's <c>\d</c>, <c>\w</c> and <c>\s</c> are ASCII,
/// its <c>$</c> is the end of text (not "before a final newline"), and it spells named groups <c>(?P&lt;n&gt;…)</c>,
/// Unicode classes <c>\pL</c>, POSIX classes <c>[[:alpha:]]</c>, literal spans <c>\Q…\E</c> and code points
/// <c>\x{1F600}</c>. Those are translated; what RE2 rejects (lookaround, backreferences) is rejected with RE2's message,
/// and what NonBacktracking cannot run (the ungreedy flag <c>U</c>) is rejected with a clear one.</remarks>
static class Re2Regex
{
    const int MaxRepeat = 1000;
    const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    // A pair of UTF-16 surrogates is one code point to RE2; .NET sees two chars unless the pattern pairs them.
    const string SurrogatePair = "[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]";
    const string Surrogates = "\\uD800-\\uDFFF";

    static readonly (char Lo, char Hi)[] Digit = [('0', '9')];
    static readonly (char Lo, char Hi)[] Word = [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
    static readonly (char Lo, char Hi)[] Space = [('\t', '\n'), ('\f', '\r'), (' ', ' ')];

    static readonly Dictionary<string, (char Lo, char Hi)[]> PosixClasses = new(StringComparer.Ordinal)
    {
        ["alnum"] = [('0', '9'), ('A', 'Z'), ('a', 'z')],
        ["alpha"] = [('A', 'Z'), ('a', 'z')],
        ["ascii"] = [('\x00', '\x7F')],
        ["blank"] = [('\t', '\t'), (' ', ' ')],
        ["cntrl"] = [('\x00', '\x1F'), ('\x7F', '\x7F')],
        ["digit"] = Digit,
        ["graph"] = [('!', '~')],
        ["lower"] = [('a', 'z')],
        ["print"] = [(' ', '~')],
        ["punct"] = [('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        ["space"] = [('\t', '\r'), (' ', ' ')],
        ["upper"] = [('A', 'Z')],
        ["word"] = Word,
        ["xdigit"] = [('0', '9'), ('A', 'F'), ('a', 'f')],
    };

    static string Ranges((char Lo, char Hi)[] ranges)
    {
        var sb = new StringBuilder();
        foreach (var (lo, hi) in ranges)
        {
            sb.Append("\\u").Append(((int)lo).ToString("X4", CultureInfo.InvariantCulture));
            if (hi != lo)
            {
                sb.Append("-\\u").Append(((int)hi).ToString("X4", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    /// <summary>The complement of sorted ASCII ranges within the Basic Multilingual Plane, surrogates excluded.</summary>
    static string Complement((char Lo, char Hi)[] ranges)
    {
        var result = new List<(char, char)>();
        var next = 0;
        foreach (var (lo, hi) in ranges.OrderBy(r => r.Lo))
        {
            if (lo > next)
            {
                result.Add(((char)next, (char)(lo - 1)));
            }
            next = Math.Max(next, hi + 1);
        }
        result.Add(((char)next, '\uD7FF'));
        result.Add(('\uE000', '\uFFFF'));
        return Ranges([.. result]);
    }

    /// <summary>A negated set outside a class: any code point but these.</summary>
    static string NotIn((char Lo, char Hi)[] ranges) => "(?:[^" + Ranges(ranges) + Surrogates + "]|" + SurrogatePair + ")";

    /// <summary>Compiles <c>^(?:value)$</c> as Alertmanager anchors matcher regexes.</summary>
    public static Regex CompileAnchored(string value)
    {
        var translated = Translate(value);
        try
        {
            return new Regex("^(?:" + translated + ")\\z", Options);
        }
        catch (ArgumentException ex)
        {
            throw new MatcherException("error parsing regexp: " + ex.Message + ": `" + value + "`", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new MatcherException("error parsing regexp: construct not supported in linear-time matching (" + ex.Message + "): `" + value + "`", ex);
        }
    }

    /// <summary>Translates one RE2 expression into .NET syntax with the same meaning.</summary>
    internal static string Translate(string re)
    {
        var sb = new StringBuilder(re.Length + 16);
        // Flags (m, s) are scoped to the enclosing group, as in RE2.
        var scopes = new Stack<Flags>();
        var flags = default(Flags);
        var i = 0;
        while (i < re.Length)
        {
            var c = re[i];
            switch (c)
            {
                case '\\':
                    i = TranslateEscape(re, i, sb, inClass: false, out _);
                    continue;
                case '[':
                    i = TranslateClass(re, i, sb);
                    continue;
                case '(':
                    i = TranslateGroup(re, i, sb, scopes, ref flags);
                    continue;
                case ')':
                    flags = scopes.Count > 0 ? scopes.Pop() : flags;
                    sb.Append(')');
                    i++;
                    continue;
                case '.':
                    // RE2's dot is one code point, never a lone half of a surrogate pair.
                    sb.Append("(?:[^").Append(flags.DotAll ? string.Empty : "\\n").Append(Surrogates).Append("]|").Append(SurrogatePair).Append(')');
                    i++;
                    continue;
                case '$':
                    // RE2's $ outside multi-line mode is the end of text; .NET's also matches before a final \n.
                    sb.Append(flags.Multiline ? "$" : "\\z");
                    i++;
                    continue;
                case '{':
                    i = TranslateRepeat(re, i, sb);
                    continue;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < re.Length && char.IsLowSurrogate(re[i + 1]))
                    {
                        // Keep a code point outside the BMP together so that a quantifier applies to all of it.
                        sb.Append("(?:").Append(c).Append(re[i + 1]).Append(')');
                        i += 2;
                        continue;
                    }
                    sb.Append(c);
                    i++;
                    continue;
            }
        }
        return sb.ToString();
    }

    record struct Flags(bool Multiline, bool DotAll);

    static int TranslateRepeat(string re, int i, StringBuilder sb)
    {
        var close = re.IndexOf('}', i);
        if (close > 0)
        {
            var body = re.AsSpan(i + 1, close - i - 1);
            var comma = body.IndexOf(',');
            var min = comma < 0 ? body : body[..comma];
            var max = comma < 0 ? [] : body[(comma + 1)..];
            if (IsDigits(min) && (comma < 0 || max.IsEmpty || IsDigits(max)))
            {
                var tooBig = Exceeds(min) || (!max.IsEmpty && Exceeds(max));
                if (tooBig || (!max.IsEmpty && int.Parse(max, CultureInfo.InvariantCulture) < int.Parse(min, CultureInfo.InvariantCulture)))
                {
                    throw new MatcherException("error parsing regexp: invalid repeat count: `" + re[i..(close + 1)] + "`");
                }
                sb.Append(re, i, close - i + 1);
                return close + 1;
            }
        }
        // Not a repetition: RE2 takes the brace literally.
        sb.Append("\\{");
        return i + 1;

        static bool IsDigits(ReadOnlySpan<char> s)
        {
            if (s.IsEmpty)
            {
                return false;
            }
            foreach (var ch in s)
            {
                if (ch is < '0' or > '9')
                {
                    return false;
                }
            }
            return true;
        }

        static bool Exceeds(ReadOnlySpan<char> s) => s.Length > 4 || int.Parse(s, CultureInfo.InvariantCulture) > MaxRepeat;
    }

    static int TranslateGroup(string re, int i, StringBuilder sb, Stack<Flags> scopes, ref Flags flags)
    {
        if (i + 1 >= re.Length || re[i + 1] != '?')
        {
            scopes.Push(flags);
            sb.Append('(');
            return i + 1;
        }
        var rest = re.AsSpan(i);
        if (rest.StartsWith("(?P<"))
        {
            scopes.Push(flags);
            sb.Append("(?<");
            return i + 4;
        }
        if (rest.StartsWith("(?<") && rest.Length > 3 && (char.IsAsciiLetter(rest[3]) || rest[3] == '_'))
        {
            scopes.Push(flags);
            sb.Append("(?<");
            return i + 3;
        }
        // Flag groups: (?flags) or (?flags:...), flags from i, m, s, U with an optional '-'.
        var j = i + 2;
        var sawFlag = false;
        var negate = false;
        var updated = flags;
        while (j < re.Length && re[j] is 'i' or 'm' or 's' or 'U' or '-')
        {
            switch (re[j])
            {
                case 'U':
                    throw new MatcherException("error parsing regexp: the ungreedy flag (?U) is not supported by Guardia's linear-time matcher; use lazy quantifiers (*?, +?) instead: `" + re + "`");
                case 'm':
                    updated = updated with { Multiline = !negate };
                    break;
                case 's':
                    updated = updated with { DotAll = !negate };
                    break;
                case '-':
                    negate = true;
                    break;
            }
            sawFlag |= re[j] != '-';
            j++;
        }
        if (j < re.Length && re[j] == ')' && sawFlag)
        {
            flags = updated;
            sb.Append(re, i, j - i + 1);
            return j + 1;
        }
        if (j < re.Length && re[j] == ':')
        {
            scopes.Push(flags);
            flags = updated;
            sb.Append(re, i, j - i + 1);
            return j + 1;
        }
        var end = Math.Min(re.Length, Math.Max(j + 1, i + 3));
        throw new MatcherException("error parsing regexp: invalid or unsupported Perl syntax: `" + re[i..end] + "`");
    }

    static int TranslateClass(string re, int start, StringBuilder sb)
    {
        var i = start + 1;
        var negated = false;
        if (i < re.Length && re[i] == '^')
        {
            negated = true;
            i++;
        }
        var body = new StringBuilder();
        // True when the set contains every code point outside the BMP (e.g. it holds [:^alpha:] or \D).
        var coversAstral = false;
        var first = true;
        while (true)
        {
            if (i >= re.Length)
            {
                throw new MatcherException("error parsing regexp: missing closing ]: `" + re[start..] + ")$`");
            }
            var c = re[i];
            if (c == ']' && !first)
            {
                i++;
                break;
            }
            first = false;
            if (c == '[' && i + 1 < re.Length && re[i + 1] == ':')
            {
                var close = re.IndexOf(":]", i + 2, StringComparison.Ordinal);
                if (close > 0)
                {
                    var name = re[(i + 2)..close];
                    var negatedPosix = name.StartsWith('^');
                    if (!PosixClasses.TryGetValue(negatedPosix ? name[1..] : name, out var ranges))
                    {
                        throw new MatcherException("error parsing regexp: invalid character class range: `" + re[i..(close + 2)] + "`");
                    }
                    body.Append(negatedPosix ? Complement(ranges) : Ranges(ranges));
                    coversAstral |= negatedPosix;
                    i = close + 2;
                    continue;
                }
            }
            if (char.IsHighSurrogate(c))
            {
                throw AstralInClass(re);
            }
            switch (c)
            {
                case '\\':
                    i = TranslateEscape(re, i, body, inClass: true, out var astral);
                    coversAstral |= astral;
                    continue;
                case '[':
                    body.Append("\\[");
                    i++;
                    continue;
                case '-' when i + 1 < re.Length && re[i + 1] == '[':
                    // .NET reads "-[" as class subtraction; RE2 reads a literal '-' and '['.
                    body.Append("\\-");
                    i++;
                    continue;
                default:
                    body.Append(c);
                    i++;
                    continue;
            }
        }
        if (negated)
        {
            // A negated class excludes lone surrogate halves; astral code points are in it unless the body covered them.
            sb.Append(coversAstral ? string.Empty : "(?:").Append("[^").Append(body).Append(Surrogates).Append(']');
            if (!coversAstral)
            {
                sb.Append('|').Append(SurrogatePair).Append(')');
            }
        }
        else if (coversAstral)
        {
            sb.Append("(?:[").Append(body).Append("]|").Append(SurrogatePair).Append(')');
        }
        else
        {
            sb.Append('[').Append(body).Append(']');
        }
        return i;
    }

    static MatcherException AstralInClass(string re) =>
        new("error parsing regexp: characters above U+FFFF inside a character class are not supported by Guardia; use an alternation such as (?:😀|😁) instead: `" + re + "`");

    static int TranslateEscape(string re, int i, StringBuilder sb, bool inClass, out bool coversAstral)
    {
        coversAstral = false;
        if (i + 1 >= re.Length)
        {
            throw new MatcherException("error parsing regexp: trailing backslash at end of expression: ``");
        }
        var c = re[i + 1];
        switch (c)
        {
            case 'd' or 'w' or 's':
                {
                    var ranges = c == 'd' ? Digit : c == 'w' ? Word : Space;
                    sb.Append(inClass ? Ranges(ranges) : "[" + Ranges(ranges) + "]");
                    return i + 2;
                }
            case 'D' or 'W' or 'S':
                {
                    var ranges = c == 'D' ? Digit : c == 'W' ? Word : Space;
                    sb.Append(inClass ? Complement(ranges) : NotIn(ranges));
                    coversAstral = inClass;
                    return i + 2;
                }
            case 'A' or 'z' or 'b' or 'B' when !inClass:
                sb.Append('\\').Append(c);
                return i + 2;
            case 'a' or 'f' or 't' or 'n' or 'r' or 'v':
                sb.Append('\\').Append(c);
                return i + 2;
            case 'p' or 'P':
                return TranslateUnicodeClass(re, i, sb, inClass);
            case 'Q' when !inClass:
                {
                    var end = re.IndexOf("\\E", i + 2, StringComparison.Ordinal);
                    var literal = end < 0 ? re[(i + 2)..] : re[(i + 2)..end];
                    sb.Append("(?:").Append(Regex.Escape(literal)).Append(')');
                    return end < 0 ? re.Length : end + 2;
                }
            case 'x':
                return TranslateHex(re, i, sb, inClass);
            case >= '0' and <= '7':
                {
                    // RE2: a single non-zero digit would be a backreference, which it does not support; otherwise octal.
                    var j = i + 1;
                    if (c != '0' && (j + 1 >= re.Length || re[j + 1] is < '0' or > '7'))
                    {
                        throw new MatcherException("error parsing regexp: invalid escape sequence: `\\" + c + "`");
                    }
                    var value = 0;
                    var n = 0;
                    while (n < 3 && j < re.Length && re[j] is >= '0' and <= '7')
                    {
                        value = (value * 8) + (re[j] - '0');
                        j++;
                        n++;
                    }
                    sb.Append("\\u").Append(value.ToString("X4", CultureInfo.InvariantCulture));
                    return j;
                }
            default:
                if (c < 0x80 && !char.IsAsciiLetterOrDigit(c) && c != '_')
                {
                    sb.Append('\\').Append(c);
                    return i + 2;
                }
                throw new MatcherException("error parsing regexp: invalid escape sequence: `\\" + c + "`");
        }
    }

    static int TranslateHex(string re, int i, StringBuilder sb, bool inClass)
    {
        var j = i + 2;
        int value;
        if (j < re.Length && re[j] == '{')
        {
            var close = re.IndexOf('}', j);
            if (close < 0 || !int.TryParse(re.AsSpan(j + 1, close - j - 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) || value > 0x10FFFF)
            {
                throw new MatcherException("error parsing regexp: invalid escape sequence: `" + re[i..Math.Min(re.Length, (close < 0 ? re.Length : close + 1))] + "`");
            }
            j = close + 1;
        }
        else if (j + 2 <= re.Length && int.TryParse(re.AsSpan(j, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value))
        {
            j += 2;
        }
        else
        {
            throw new MatcherException("error parsing regexp: invalid escape sequence: `" + re[i..Math.Min(re.Length, i + 4)] + "`");
        }
        if (value > 0xFFFF && inClass)
        {
            throw AstralInClass(re);
        }
        if (value > 0xFFFF)
        {
            // Outside the BMP .NET sees two UTF-16 units; a literal pair is still matched correctly outside classes.
            sb.Append("(?:").Append(Regex.Escape(char.ConvertFromUtf32(value))).Append(')');
        }
        else
        {
            sb.Append("\\u").Append(value.ToString("X4", CultureInfo.InvariantCulture));
        }
        return j;
    }

    static int TranslateUnicodeClass(string re, int i, StringBuilder sb, bool inClass)
    {
        var negate = re[i + 1] == 'P';
        var j = i + 2;
        string name;
        if (j < re.Length && re[j] == '{')
        {
            var close = re.IndexOf('}', j);
            if (close < 0)
            {
                throw new MatcherException("error parsing regexp: invalid character class range: `" + re[i..] + "`");
            }
            name = re[(j + 1)..close];
            j = close + 1;
        }
        else if (j < re.Length)
        {
            name = re[j].ToString();
            j++;
        }
        else
        {
            throw new MatcherException("error parsing regexp: invalid character class range: `" + re[i..] + "`");
        }
        if (name.StartsWith('^'))
        {
            negate = !negate;
            name = name[1..];
        }
        if (name == "Any")
        {
            sb.Append(negate ? (inClass ? string.Empty : "[^\\s\\S]") : (inClass ? "\\s\\S" : "[\\s\\S]"));
            return j;
        }
        if (!IsGeneralCategory(name))
        {
            throw new MatcherException("error parsing regexp: Unicode class \\p{" + name + "} (a script or block) is not supported by Guardia; use a general category such as \\p{L} or \\p{Lu}: `" + re + "`");
        }
        sb.Append('\\').Append(negate ? 'P' : 'p').Append('{').Append(name).Append('}');
        return j;
    }

    static bool IsGeneralCategory(string name) => name is "L" or "Lu" or "Ll" or "Lt" or "Lm" or "Lo"
        or "M" or "Mn" or "Mc" or "Me" or "N" or "Nd" or "Nl" or "No"
        or "P" or "Pc" or "Pd" or "Ps" or "Pe" or "Pi" or "Pf" or "Po"
        or "S" or "Sm" or "Sc" or "Sk" or "So" or "Z" or "Zs" or "Zl" or "Zp"
        or "C" or "Cc" or "Cf" or "Cs" or "Co";
}
