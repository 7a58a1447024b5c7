using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Guardia.Core.Templating.Alertmanager;

/// <summary>The functions Alertmanager adds to notification templates, plus the time helpers of later releases.</summary>
public static class AlertmanagerFunctions
{
    static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The Go parameter types of the functions, for Go's argument error messages.</summary>
    public static IReadOnlyDictionary<string, FunctionSignature> Signatures { get; } = new Dictionary<string, FunctionSignature>(StringComparer.Ordinal)
    {
        ["toUpper"] = FunctionSignature.Of("string"),
        ["toLower"] = FunctionSignature.Of("string"),
        ["title"] = FunctionSignature.Of("string"),
        ["trimSpace"] = FunctionSignature.Of("string"),
        ["join"] = FunctionSignature.Of("string", "[]string"),
        ["match"] = FunctionSignature.Of("string", "string"),
        ["reReplaceAll"] = FunctionSignature.Of("string", "string", "string"),
        ["safeHtml"] = FunctionSignature.Of("string"),
        ["safeUrl"] = FunctionSignature.Of("string"),
        ["urlUnescape"] = FunctionSignature.Of("string"),
        ["stringSlice"] = FunctionSignature.VariadicOf("string"),
        ["date"] = FunctionSignature.Of("string", "time.Time"),
        ["tz"] = FunctionSignature.Of("string", "time.Time"),
        ["since"] = FunctionSignature.Of("time.Time"),
        ["humanizeDuration"] = FunctionSignature.Of("any"),
    };

    /// <summary>Returns the function map; <paramref name="time"/> is the clock <c>since</c> reads.</summary>
    public static IReadOnlyDictionary<string, TemplateFunction> Create(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return new Dictionary<string, TemplateFunction>(StringComparer.Ordinal)
        {
            ["toUpper"] = args => Unary(args, "toUpper").ToUpperInvariant(),
            ["toLower"] = args => Unary(args, "toLower").ToLowerInvariant(),
            ["title"] = args => Title(Unary(args, "title")),
            ["trimSpace"] = args => Unary(args, "trimSpace").Trim(),
            ["join"] = args =>
            {
                TemplateArgs.Count(args, 2, "join");
                return string.Join(TemplateArgs.GetString(args, 0), TemplateArgs.GetStrings(args, 1));
            },
            ["match"] = args =>
            {
                TemplateArgs.Count(args, 2, "match");
                return Compile(TemplateArgs.GetString(args, 0)).IsMatch(TemplateArgs.GetString(args, 1));
            },
            ["reReplaceAll"] = args =>
            {
                TemplateArgs.Count(args, 3, "reReplaceAll");
                var re = Compile(TemplateArgs.GetString(args, 0));
                return re.Replace(TemplateArgs.GetString(args, 2), GoReplacement(TemplateArgs.GetString(args, 1)));
            },
            ["safeHtml"] = args => new SafeHtml(Unary(args, "safeHtml")),
            ["safeUrl"] = args => new SafeHtml(Unary(args, "safeUrl")),
            ["urlUnescape"] = args =>
            {
                var s = Unary(args, "urlUnescape");
                try
                {
                    return Uri.UnescapeDataString(s.Replace('+', ' '));
                }
                catch (UriFormatException e)
                {
                    throw new TemplateFunctionException(e.Message);
                }
            },
            ["stringSlice"] = args =>
            {
                var result = new List<string>(args.Count);
                for (var i = 0; i < args.Count; i++)
                {
                    result.Add(TemplateArgs.GetString(args, i));
                }
                return result;
            },
            ["date"] = args =>
            {
                TemplateArgs.Count(args, 2, "date");
                return args[1] is GoTime t
                    ? t.Format(TemplateArgs.GetString(args, 0))
                    : throw new TemplateFunctionException($"wrong type for value; expected time.Time; got {GoFormat.TypeName(args[1])}") { IsArgumentError = true };
            },
            ["tz"] = args =>
            {
                TemplateArgs.Count(args, 2, "tz");
                var name = TemplateArgs.GetString(args, 0);
                if (args[1] is not GoTime t)
                {
                    throw new TemplateFunctionException($"wrong type for value; expected time.Time; got {GoFormat.TypeName(args[1])}") { IsArgumentError = true };
                }
                return InZone(t, name);
            },
            ["since"] = args =>
            {
                TemplateArgs.Count(args, 1, "since");
                return args[0] is GoTime t
                    ? time.GetUtcNow() - t.Value
                    : throw new TemplateFunctionException($"wrong type for value; expected time.Time; got {GoFormat.TypeName(args[0])}") { IsArgumentError = true };
            },
            ["humanizeDuration"] = args =>
            {
                TemplateArgs.Count(args, 1, "humanizeDuration");
                return Prometheus.PrometheusFunctions.HumanizeDuration(args[0] is TimeSpan d ? d.TotalSeconds : Prometheus.PrometheusFunctions.ToFloat(args[0]));
            },
        };
    }

    static string Unary(IReadOnlyList<object?> args, string name)
    {
        TemplateArgs.Count(args, 1, name);
        return TemplateArgs.GetString(args, 0);
    }

    static Regex Compile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException e)
        {
            throw new TemplateFunctionException($"error parsing regexp: {e.Message}");
        }
    }

    // Go expands $name and ${name} in replacements, taking the longest name ($1x is the group "1x").
    static string GoReplacement(string template)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c != '$' || i + 1 >= template.Length)
            {
                sb.Append(c == '$' ? "$$" : c.ToString());
                continue;
            }
            if (template[i + 1] == '$')
            {
                sb.Append("$$");
                i++;
                continue;
            }
            var braced = template[i + 1] == '{';
            var start = braced ? i + 2 : i + 1;
            var end = start;
            while (end < template.Length && (char.IsAsciiLetterOrDigit(template[end]) || template[end] == '_'))
            {
                end++;
            }
            if (end == start || (braced && (end >= template.Length || template[end] != '}')))
            {
                sb.Append("$$");
                continue;
            }
            sb.Append("${").Append(template, start, end - start).Append('}');
            i = braced ? end : end - 1;
        }
        return sb.ToString();
    }

    /// <summary>Title-cases as Go's <c>cases.Title(language.AmericanEnglish)</c>: the first letter of each word upper, the rest lower.</summary>
    public static string Title(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var sb = new StringBuilder(s.Length);
        var atWordStart = true;
        foreach (var rune in s.EnumerateRunes())
        {
            if (Rune.IsLetter(rune))
            {
                sb.Append((atWordStart ? Rune.ToUpperInvariant(rune) : Rune.ToLowerInvariant(rune)).ToString());
                atWordStart = false;
                continue;
            }
            sb.Append(rune.ToString());
            var category = Rune.GetUnicodeCategory(rune);
            var joinsWord = Rune.IsDigit(rune) || rune.Value is '_' or '\'' or '.' or ':' or '\u00B7' or '\u2019'
                || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
                    or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
            if (!joinsWord)
            {
                atWordStart = true;
            }
        }
        return sb.ToString();
    }

    static GoTime InZone(GoTime t, string name)
    {
        if (name is "" or "UTC")
        {
            return GoTime.From(t.Value.ToUniversalTime());
        }
        TimeZoneInfo zone;
        try
        {
            zone = name == "Local" ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new TemplateFunctionException($"unknown time zone {name}");
        }
        var converted = TimeZoneInfo.ConvertTime(t.Value, zone);
        return new GoTime(converted, ZoneAbbreviations.For(zone.Id, converted, zone.IsDaylightSavingTime(converted)));
    }
}
