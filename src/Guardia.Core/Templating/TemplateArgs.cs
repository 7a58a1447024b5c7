using System.Collections;

namespace Guardia.Core.Templating;

/// <summary>Argument checks for template functions, with Go's messages for wrong counts and types.</summary>
public static class TemplateArgs
{
    /// <summary>Throws unless exactly <paramref name="count"/> arguments were given.</summary>
    public static void Count(IReadOnlyList<object?> args, int count, string function)
    {
        if (args.Count != count)
        {
            throw new TemplateFunctionException($"wrong number of args for {function}: want {count} got {args.Count}") { IsArgumentError = true };
        }
    }

    /// <summary>Returns argument <paramref name="index"/> as a string, as Go's reflection would accept it for a string parameter.</summary>
    public static string GetString(IReadOnlyList<object?> args, int index)
    {
        var v = args[index];
        return v switch
        {
            string s => s,
            SafeHtml h => h.Value,
            _ => throw new TemplateFunctionException($"wrong type for value; expected string; got {GoFormat.TypeName(v)}") { IsArgumentError = true },
        };
    }

    /// <summary>Returns argument <paramref name="index"/> as a list of strings (Go's <c>[]string</c>).</summary>
    public static IReadOnlyList<string> GetStrings(IReadOnlyList<object?> args, int index)
    {
        var v = args[index];
        if (v is IReadOnlyList<string> list)
        {
            return list;
        }
        if (v is IEnumerable e and not string && v is not IReadOnlyDictionary<string, string> && v is not IReadOnlyDictionary<string, object?>)
        {
            var result = new List<string>();
            foreach (var item in e)
            {
                if (item is not string s)
                {
                    throw new TemplateFunctionException($"wrong type for value; expected []string; got {GoFormat.TypeName(v)}") { IsArgumentError = true };
                }
                result.Add(s);
            }
            return result;
        }
        throw new TemplateFunctionException($"wrong type for value; expected []string; got {GoFormat.TypeName(v)}") { IsArgumentError = true };
    }

    /// <summary>Returns argument <paramref name="index"/> as an integer (Go's <c>int</c>).</summary>
    public static long GetInt(IReadOnlyList<object?> args, int index)
    {
        var v = args[index];
        return v switch
        {
            long l => l,
            int i => i,
            byte b => b,
            _ => throw new TemplateFunctionException($"wrong type for value; expected int; got {GoFormat.TypeName(v)}") { IsArgumentError = true },
        };
    }
}
