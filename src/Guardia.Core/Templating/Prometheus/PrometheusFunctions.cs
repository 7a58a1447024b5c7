using System.Globalization;
using System.Text.RegularExpressions;
using Guardia.Core.Templating.Internal;

namespace Guardia.Core.Templating.Prometheus;

/// <summary>The functions Prometheus 2.42 offers in alerting-rule annotation templates (those that need no query engine).</summary>
public static class PrometheusFunctions
{
    static readonly string[] BigPrefixes = ["k", "M", "G", "T", "P", "E", "Z", "Y"];
    static readonly string[] SmallPrefixes = ["m", "u", "n", "p", "f", "a", "z", "y"];
    static readonly string[] BinaryPrefixes = ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"];

    /// <summary>The Go parameter types of the functions, for Go's argument error messages.</summary>
    public static IReadOnlyDictionary<string, FunctionSignature> Signatures { get; } = new Dictionary<string, FunctionSignature>(StringComparer.Ordinal)
    {
        ["humanize"] = FunctionSignature.Of("any"),
        ["humanize1024"] = FunctionSignature.Of("any"),
        ["humanizeDuration"] = FunctionSignature.Of("any"),
        ["humanizePercentage"] = FunctionSignature.Of("any"),
        ["humanizeTimestamp"] = FunctionSignature.Of("any"),
        ["toTime"] = FunctionSignature.Of("any"),
        ["toUpper"] = FunctionSignature.Of("string"),
        ["toLower"] = FunctionSignature.Of("string"),
        ["title"] = FunctionSignature.Of("string"),
        ["match"] = FunctionSignature.Of("string", "string"),
        ["reReplaceAll"] = FunctionSignature.Of("string", "string", "string"),
        ["safeHtml"] = FunctionSignature.Of("string"),
        ["externalURL"] = FunctionSignature.Of(),
        ["stripPort"] = FunctionSignature.Of("string"),
        ["parseDuration"] = FunctionSignature.Of("string"),
    };

    /// <summary>Returns the function map; <paramref name="externalUrl"/> is what <c>externalURL</c> returns.</summary>
    public static IReadOnlyDictionary<string, TemplateFunction> Create(string externalUrl)
    {
        return new Dictionary<string, TemplateFunction>(StringComparer.Ordinal)
        {
            ["humanize"] = args => Humanize(One(args, "humanize")),
            ["humanize1024"] = args => Humanize1024(One(args, "humanize1024")),
            ["humanizeDuration"] = args => HumanizeDuration(One(args, "humanizeDuration")),
            ["humanizePercentage"] = args => HumanizePercentage(One(args, "humanizePercentage")),
            ["humanizeTimestamp"] = args => HumanizeTimestamp(One(args, "humanizeTimestamp")),
            ["toTime"] = args =>
            {
                var v = One(args, "toTime");
                return double.IsNaN(v) || double.IsInfinity(v)
                    ? throw new TemplateFunctionException($"cannot convert {GoFloat.Format(v, 'g', -1)} to time.Time")
                    : ToTime(v);
            },
            ["toUpper"] = args => Str(args, "toUpper").ToUpperInvariant(),
            ["toLower"] = args => Str(args, "toLower").ToLowerInvariant(),
            ["title"] = args => GoStringsTitle(Str(args, "title")),
            ["match"] = args =>
            {
                TemplateArgs.Count(args, 2, "match");
                return new Regex(TemplateArgs.GetString(args, 0), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)).IsMatch(TemplateArgs.GetString(args, 1));
            },
            ["reReplaceAll"] = args =>
            {
                TemplateArgs.Count(args, 3, "reReplaceAll");
                var re = new Regex(TemplateArgs.GetString(args, 0), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                return re.Replace(TemplateArgs.GetString(args, 2), TemplateArgs.GetString(args, 1));
            },
            ["safeHtml"] = args => new SafeHtml(Str(args, "safeHtml")),
            ["externalURL"] = args =>
            {
                TemplateArgs.Count(args, 0, "externalURL");
                return externalUrl;
            },
            ["stripPort"] = args =>
            {
                var host = Str(args, "stripPort");
                var colon = host.LastIndexOf(':');
                if (colon < 0)
                {
                    return host;
                }
                var h = host[..colon];
                return h.StartsWith('[') && h.EndsWith(']') ? h[1..^1] : h.Contains(':', StringComparison.Ordinal) ? host : h;
            },
            ["parseDuration"] = args => ParseDuration(Str(args, "parseDuration")),
        };
    }

    static double One(IReadOnlyList<object?> args, string name)
    {
        TemplateArgs.Count(args, 1, name);
        return ToFloat(args[0]);
    }

    static string Str(IReadOnlyList<object?> args, string name)
    {
        TemplateArgs.Count(args, 1, name);
        return TemplateArgs.GetString(args, 0);
    }

    /// <summary>Converts a template value to float64 as Prometheus's convertToFloat does (numbers, or strings parsed as floats).</summary>
    public static double ToFloat(object? value) => value switch
    {
        double d => d,
        float f => f,
        long l => l,
        int i => i,
        string s => ParseFloat(s),
        _ => throw new TemplateFunctionException($"can't convert {GoFormat.TypeName(value)} to float"),
    };

    static double ParseFloat(string s)
    {
        var t = s.Replace("_", string.Empty, StringComparison.Ordinal);
        switch (t.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity" or "+infinity": return double.PositiveInfinity;
            case "-inf" or "-infinity": return double.NegativeInfinity;
            case "nan": return double.NaN;
            default: break;
        }
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }
        throw new TemplateFunctionException($"strconv.ParseFloat: parsing {GoFormat.Quote(s)}: invalid syntax");
    }

    static string G4(double v) => GoFloat.Format(v, 'g', 4);

    /// <summary>Prometheus's <c>humanize</c>: SI prefixes with 4 significant digits (<c>1.235k</c>, <c>12.3m</c>).</summary>
    public static string Humanize(double v)
    {
        if (v == 0 || double.IsNaN(v) || double.IsInfinity(v))
        {
            return G4(v);
        }
        var prefix = string.Empty;
        if (Math.Abs(v) >= 1)
        {
            foreach (var p in BigPrefixes)
            {
                if (Math.Abs(v) < 1000)
                {
                    break;
                }
                prefix = p;
                v /= 1000;
            }
            return G4(v) + prefix;
        }
        foreach (var p in SmallPrefixes)
        {
            if (Math.Abs(v) >= 1)
            {
                break;
            }
            prefix = p;
            v *= 1000;
        }
        return G4(v) + prefix;
    }

    /// <summary>Prometheus's <c>humanize1024</c>: binary prefixes (<c>1ki</c>, <c>1.5Mi</c>).</summary>
    public static string Humanize1024(double v)
    {
        if (Math.Abs(v) <= 1 || double.IsNaN(v) || double.IsInfinity(v))
        {
            return G4(v);
        }
        var prefix = string.Empty;
        foreach (var p in BinaryPrefixes)
        {
            if (Math.Abs(v) < 1024)
            {
                break;
            }
            prefix = p;
            v /= 1024;
        }
        return G4(v) + prefix;
    }

    /// <summary>Prometheus's <c>humanizeDuration</c> for seconds (<c>1d 2h 3m 4s</c>, <c>1.5s</c>, <c>250ms</c>).</summary>
    public static string HumanizeDuration(double v)
    {
        if (double.IsNaN(v) || double.IsInfinity(v))
        {
            return G4(v);
        }
        if (v == 0)
        {
            return G4(v) + "s";
        }
        if (Math.Abs(v) >= 1)
        {
            var sign = string.Empty;
            if (v < 0)
            {
                sign = "-";
                v = -v;
            }
            var duration = (long)v;
            var seconds = duration % 60;
            var minutes = duration / 60 % 60;
            var hours = duration / 60 / 60 % 24;
            var days = duration / 60 / 60 / 24;
            var inv = CultureInfo.InvariantCulture;
            if (days != 0)
            {
                return string.Create(inv, $"{sign}{days}d {hours}h {minutes}m {seconds}s");
            }
            if (hours != 0)
            {
                return string.Create(inv, $"{sign}{hours}h {minutes}m {seconds}s");
            }
            if (minutes != 0)
            {
                return string.Create(inv, $"{sign}{minutes}m {seconds}s");
            }
            return sign + G4(v) + "s";
        }
        var prefix = string.Empty;
        foreach (var p in SmallPrefixes)
        {
            if (Math.Abs(v) >= 1)
            {
                break;
            }
            prefix = p;
            v *= 1000;
        }
        return G4(v) + prefix + "s";
    }

    /// <summary>Prometheus's <c>humanizePercentage</c>: the ratio times 100 with 4 significant digits and a percent sign.</summary>
    public static string HumanizePercentage(double v) => G4(v * 100) + "%";

    /// <summary>Prometheus's <c>humanizeTimestamp</c>: Unix seconds as a UTC Go time string, at millisecond precision.</summary>
    public static string HumanizeTimestamp(double v) =>
        double.IsNaN(v) || double.IsInfinity(v) ? G4(v) : ToTime(v).ToString();

    static GoTime ToTime(double seconds)
    {
        var ns = seconds * 1e9;
        if (ns > long.MaxValue || ns < long.MinValue)
        {
            throw new TemplateFunctionException($"{GoFloat.Format(seconds, 'g', -1)} cannot be represented as a nanoseconds timestamp since it overflows int64");
        }
        // Prometheus goes through model.Time, which keeps milliseconds only.
        var nanos = (long)(seconds * 1e9);
        var millis = nanos / 1_000_000;
        return GoTime.From(DateTimeOffset.UnixEpoch.AddTicks(millis * TimeSpan.TicksPerMillisecond));
    }

    static double ParseDuration(string s)
    {
        var m = Regex.Match(s, @"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        if (s.Length == 0 || s == "0" || !m.Success)
        {
            if (s == "0")
            {
                return 0;
            }
            throw new TemplateFunctionException($"not a valid duration string: {GoFormat.Quote(s)}");
        }
        double[] unit = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001];
        double total = 0;
        for (var i = 0; i < unit.Length; i++)
        {
            if (m.Groups[i + 1].Success)
            {
                total += long.Parse(m.Groups[i + 1].Value, CultureInfo.InvariantCulture) * unit[i];
            }
        }
        return total;
    }

    // Go's deprecated strings.Title, which Prometheus 2.42 uses: upper-cases word starts and leaves the rest alone.
    static string GoStringsTitle(string s)
    {
        var chars = s.ToCharArray();
        var prev = ' ';
        for (var i = 0; i < chars.Length; i++)
        {
            var separator = !(char.IsLetterOrDigit(prev) || prev == '_');
            if (separator)
            {
                chars[i] = char.ToUpperInvariant(chars[i]);
            }
            prev = s[i];
        }
        return new string(chars);
    }
}
