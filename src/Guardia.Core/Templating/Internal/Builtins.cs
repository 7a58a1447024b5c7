using System.Collections;
using System.Globalization;
using System.Text;

namespace Guardia.Core.Templating.Internal;

/// <summary>Go's predefined template functions (except <c>and</c>, <c>or</c> and <c>call</c>, which the executor evaluates itself).</summary>
static class Builtins
{
    public static readonly IReadOnlyDictionary<string, TemplateFunction> Functions = new Dictionary<string, TemplateFunction>(StringComparer.Ordinal)
    {
        ["not"] = args =>
        {
            TemplateArgs.Count(args, 1, "not");
            return !Values.IsTrue(args[0]);
        },
        ["len"] = args =>
        {
            TemplateArgs.Count(args, 1, "len");
            return Length(args[0]);
        },
        ["index"] = Index,
        ["slice"] = Slice,
        ["print"] = args => GoFormat.Sprint(args),
        ["println"] = args => GoFormat.Sprintln(args),
        ["printf"] = args =>
        {
            if (args.Count == 0)
            {
                throw new TemplateFunctionException("wrong number of args for printf: want at least 1 got 0") { IsArgumentError = true };
            }
            return GoFormat.Sprintf(TemplateArgs.GetString(args, 0), args.Skip(1).ToList());
        },
        ["html"] = args => HtmlEscape(EvalArgs(args)),
        ["js"] = args => JsEscape(EvalArgs(args)),
        ["urlquery"] = args => QueryEscape(EvalArgs(args)),
        ["eq"] = args => Eq(args),
        ["ne"] = args =>
        {
            TemplateArgs.Count(args, 2, "ne");
            return !Values.Equal(args[0], args[1]);
        },
        ["lt"] = args => Compare(args, "lt") < 0,
        ["le"] = args => Compare(args, "le") <= 0,
        ["gt"] = args => Compare(args, "gt") > 0,
        ["ge"] = args => Compare(args, "ge") >= 0,
    };

    /// <summary>Parameter types of the fixed-arity builtins, checked before their arguments are evaluated, as Go does.</summary>
    public static readonly IReadOnlyDictionary<string, FunctionSignature> Signatures = new Dictionary<string, FunctionSignature>(StringComparer.Ordinal)
    {
        ["not"] = FunctionSignature.Of("any"),
        ["len"] = FunctionSignature.Of("any"),
        ["index"] = FunctionSignature.VariadicOf("any", "any"),
        ["slice"] = FunctionSignature.VariadicOf("any", "any"),
        ["printf"] = FunctionSignature.VariadicOf("string", "any"),
        ["eq"] = FunctionSignature.VariadicOf("any", "any"),
        ["ne"] = FunctionSignature.Of("any", "any"),
        ["lt"] = FunctionSignature.Of("any", "any"),
        ["le"] = FunctionSignature.Of("any", "any"),
        ["gt"] = FunctionSignature.Of("any", "any"),
        ["ge"] = FunctionSignature.Of("any", "any"),
    };

    /// <summary>The names the executor handles itself; they exist for the parser's "function defined" check.</summary>
    public static readonly HashSet<string> Special = ["and", "or", "call"];

    static string EvalArgs(IReadOnlyList<object?> args) =>
        args.Count == 1 && args[0] is string s ? s : GoFormat.Sprint(args);

    static long Length(object? v) => v switch
    {
        string s => Encoding.UTF8.GetByteCount(s),
        SafeHtml h => Encoding.UTF8.GetByteCount(h.Value),
        IReadOnlyDictionary<string, string> m => m.Count,
        IReadOnlyDictionary<string, object?> m => m.Count,
        ICollection c => c.Count,
        IReadOnlyCollection<object?> c => c.Count,
        IEnumerable e and not ITemplateObject => e.Cast<object?>().Count(),
        null => throw new TemplateFunctionException("len of nil pointer"),
        _ => throw new TemplateFunctionException($"len of type {GoFormat.TypeName(v)}"),
    };

    static object? Index(IReadOnlyList<object?> args)
    {
        if (args.Count == 0)
        {
            throw new TemplateFunctionException("wrong number of args for index: want at least 1 got 0") { IsArgumentError = true };
        }
        var item = args[0];
        if (item is null)
        {
            throw new TemplateFunctionException("index of untyped nil");
        }
        for (var i = 1; i < args.Count; i++)
        {
            var key = args[i];
            switch (item)
            {
                case IReadOnlyDictionary<string, string> m:
                    item = m.TryGetValue(MapKey(key, m), out var sv) ? sv : string.Empty;
                    break;
                case IReadOnlyDictionary<string, object?> m:
                    item = m.TryGetValue(MapKey(key, m), out var ov) ? ov : null;
                    break;
                case string s:
                    var bytes = Encoding.UTF8.GetBytes(s);
                    item = bytes[(int)IndexArg(key, bytes.Length, "index")];
                    break;
                case IList list:
                    item = list[(int)IndexArg(key, list.Count, "index")];
                    break;
                case IReadOnlyList<string> list:
                    item = list[(int)IndexArg(key, list.Count, "index")];
                    break;
                case IReadOnlyList<object?> list:
                    item = list[(int)IndexArg(key, list.Count, "index")];
                    break;
                case null:
                    throw new TemplateFunctionException("index of untyped nil");
                default:
                    throw new TemplateFunctionException($"can't index item of type {GoFormat.TypeName(item)}");
            }
        }
        return item;
    }

    static string MapKey(object? key, object map) => key as string
        ?? throw new TemplateFunctionException($"value has type {GoFormat.TypeName(key)}; should be string");

    static long IndexArg(object? key, int cap, string what)
    {
        long x = key switch
        {
            long l => l,
            int i => i,
            byte b => b,
            null => throw new TemplateFunctionException($"cannot index slice/array with nil"),
            _ => throw new TemplateFunctionException($"cannot index slice/array with type {GoFormat.TypeName(key)}"),
        };
        if (x < 0 || x >= cap)
        {
            throw new TemplateFunctionException(what == "index" ? $"index out of range: {x}" : $"{what} out of range: {x}");
        }
        return x;
    }

    static object? Slice(IReadOnlyList<object?> args)
    {
        if (args.Count == 0)
        {
            throw new TemplateFunctionException("wrong number of args for slice: want at least 1 got 0") { IsArgumentError = true };
        }
        var item = args[0];
        if (args.Count > 4)
        {
            throw new TemplateFunctionException($"too many slice indexes: {args.Count - 1}");
        }
        int length;
        switch (item)
        {
            case string s:
                length = Encoding.UTF8.GetByteCount(s);
                if (args.Count == 4)
                {
                    throw new TemplateFunctionException("cannot 3-index slice a string");
                }
                break;
            case IReadOnlyList<string> l:
                length = l.Count;
                break;
            case IList l:
                length = l.Count;
                break;
            case IReadOnlyList<object?> l:
                length = l.Count;
                break;
            case null:
                throw new TemplateFunctionException("slice of untyped nil");
            default:
                throw new TemplateFunctionException($"can't slice item of type {GoFormat.TypeName(item)}");
        }
        var indexes = new long[] { 0, length, length };
        for (var i = 1; i < args.Count; i++)
        {
            indexes[i - 1] = IndexArg(args[i], length + 1, "index");
        }
        if (indexes[0] > indexes[1])
        {
            throw new TemplateFunctionException($"invalid slice index: {indexes[0]} > {indexes[1]}");
        }
        var from = (int)indexes[0];
        var to = (int)indexes[1];
        if (item is string str)
        {
            var bytes = Encoding.UTF8.GetBytes(str);
            return Encoding.UTF8.GetString(bytes, from, to - from);
        }
        if (item is IReadOnlyList<string> strings)
        {
            return strings.Skip(from).Take(to - from).ToList();
        }
        var result = new List<object?>();
        foreach (var x in ((IEnumerable)item).Cast<object?>().Skip(from).Take(to - from))
        {
            result.Add(x);
        }
        return result;
    }

    static bool Eq(IReadOnlyList<object?> args)
    {
        if (args.Count < 2)
        {
            throw new TemplateFunctionException("missing argument for comparison");
        }
        for (var i = 1; i < args.Count; i++)
        {
            if (Values.Equal(args[0], args[i]))
            {
                return true;
            }
        }
        return false;
    }

    static int Compare(IReadOnlyList<object?> args, string name)
    {
        TemplateArgs.Count(args, 2, name);
        return Values.Compare(args[0], args[1]);
    }

    /// <summary>Go's template.HTMLEscapeString.</summary>
    public static string HtmlEscape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("&#34;"); break;
                case '\'': sb.Append("&#39;"); break;
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '\0': sb.Append('\uFFFD'); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Go's template.JSEscapeString.</summary>
    public static string JsEscape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var rune in s.EnumerateRunes())
        {
            var c = rune.Value;
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\'': sb.Append(@"\'"); break;
                case '"': sb.Append("\\\""); break;
                case '<': sb.Append(@"\u003C"); break;
                case '>': sb.Append(@"\u003E"); break;
                case '&': sb.Append(@"\u0026"); break;
                case '=': sb.Append(@"\u003D"); break;
                default:
                    if (c < ' ' || (c >= 0x80 && !GoFormat.IsPrint(c)))
                    {
                        sb.Append(@"\u").Append(c.ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(rune.ToString());
                    }
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Go's url.QueryEscape.</summary>
    public static string QueryEscape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                sb.Append(c);
            }
            else if (c == ' ')
            {
                sb.Append('+');
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }
}
