namespace Guardia.Core.Alerts;

/// <summary>Validation and ordering rules for label names and values, as Alertmanager 0.25 applies them.</summary>
public static class LabelNames
{
    /// <summary>The label that names an alert.</summary>
    public const string AlertName = "alertname";

    /// <summary>Returns true when <paramref name="name"/> matches <c>^[a-zA-Z_][a-zA-Z0-9_]*$</c>.</summary>
    public static bool IsValid(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (i > 0 && c is >= '0' and <= '9');
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Returns true when <paramref name="value"/> is valid UTF-16 that round-trips to valid UTF-8 (no lone surrogates).</summary>
    public static bool IsValidValue(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Compares two strings in the byte order of their UTF-8 encodings (Go's string order).</summary>
    public static int CompareUtf8(string? a, string? b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }
        if (a is null)
        {
            return -1;
        }
        if (b is null)
        {
            return 1;
        }
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var x = a[i];
            var y = b[i];
            if (x != y)
            {
                // UTF-16 order differs from code point (= UTF-8 byte) order only between surrogates
                // and U+E000..U+FFFF; shift both ranges so that surrogates sort last.
                if (x >= 0xD800 && y >= 0xD800)
                {
                    return CodePointKey(x) - CodePointKey(y);
                }
                return x - y;
            }
        }
        return a.Length - b.Length;
    }

    static int CodePointKey(char c) => c >= 0xE000 ? c - 0x800 : c + 0x2000;

    /// <summary>A comparer that orders strings by their UTF-8 bytes.</summary>
    public static IComparer<string> Utf8Comparer { get; } = Comparer<string>.Create(CompareUtf8);
}
