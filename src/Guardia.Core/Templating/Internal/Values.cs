using System.Collections;

namespace Guardia.Core.Templating.Internal;

/// <summary>Go's notions of truth, equality and order for template values.</summary>
static class Values
{
    public static bool IsTrue(object? v) => v switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        long l => l != 0,
        int i => i != 0,
        byte b => b != 0,
        double d => d != 0,
        TimeSpan t => t != TimeSpan.Zero,
        SafeHtml h => h.Value.Length > 0,
        IReadOnlyDictionary<string, string> m => m.Count > 0,
        IReadOnlyDictionary<string, object?> m => m.Count > 0,
        ICollection c => c.Count > 0,
        IReadOnlyCollection<object?> c => c.Count > 0,
        ITemplateObject => true,
        IEnumerable e => e.GetEnumerator().MoveNext(),
        _ => true,
    };

    enum Kind
    {
        Bool,
        Int,
        Float,
        String,
        Other,
    }

    static Kind KindOf(object? v) => v switch
    {
        bool => Kind.Bool,
        long or int or byte => Kind.Int,
        double or float => Kind.Float,
        string or SafeHtml => Kind.String,
        _ => Kind.Other,
    };

    static string Str(object v) => v is SafeHtml h ? h.Value : (string)v;

    public static bool Equal(object? a, object? b)
    {
        var ka = KindOf(a);
        var kb = KindOf(b);
        if (ka == Kind.Other || kb == Kind.Other)
        {
            if (a is null || b is null)
            {
                return a is null && b is null;
            }
            if (a is IEnumerable && a is not string && b is IEnumerable && b is not string)
            {
                throw new TemplateFunctionException($"non-comparable types {GoFormat.TypeName(a)}: {GoFormat.TypeName(b)}");
            }
            if (ka != kb)
            {
                throw new TemplateFunctionException("incompatible types for comparison");
            }
            return Equals(a, b);
        }
        if (ka != kb)
        {
            throw new TemplateFunctionException("incompatible types for comparison");
        }
        return ka switch
        {
            Kind.Bool => (bool)a! == (bool)b!,
            Kind.Int => Convert.ToInt64(a, System.Globalization.CultureInfo.InvariantCulture) == Convert.ToInt64(b, System.Globalization.CultureInfo.InvariantCulture),
            Kind.Float => Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture) == Convert.ToDouble(b, System.Globalization.CultureInfo.InvariantCulture),
            _ => string.Equals(Str(a!), Str(b!), StringComparison.Ordinal),
        };
    }

    public static int Compare(object? a, object? b)
    {
        var ka = KindOf(a);
        var kb = KindOf(b);
        if (ka is Kind.Other or Kind.Bool || kb is Kind.Other or Kind.Bool)
        {
            throw new TemplateFunctionException("invalid type for comparison");
        }
        if (ka != kb)
        {
            throw new TemplateFunctionException("incompatible types for comparison");
        }
        return ka switch
        {
            Kind.Int => Convert.ToInt64(a, System.Globalization.CultureInfo.InvariantCulture).CompareTo(Convert.ToInt64(b, System.Globalization.CultureInfo.InvariantCulture)),
            Kind.Float => Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, System.Globalization.CultureInfo.InvariantCulture)),
            _ => Alerts.LabelNames.CompareUtf8(Str(a!), Str(b!)),
        };
    }
}
