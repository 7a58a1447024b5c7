using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Guardia.Integrations.RunbookActions;

/// <summary>An expectation on a JSON document: <c>$.status == "success"</c>, <c>$.data.result[0].value[1] &gt; 5</c>,
/// <c>$.items.length == 0</c>, or a bare path (<c>$.data</c>) that must exist and not be null. Operators: ==, !=, &lt;,
/// &lt;=, &gt;, &gt;=; the right side is a JSON literal (string, number, true, false, null).</summary>
public sealed partial record JsonExpectation(string Text, IReadOnlyList<string> Path, string? Operator, JsonElement? Expected)
{
    /// <summary>Parses an expectation.</summary>
    /// <exception cref="FormatException">The text is not a path, or the operator or literal is malformed.</exception>
    public static JsonExpectation Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var m = Syntax().Match(text.Trim());
        if (!m.Success)
        {
            throw new FormatException($"expect_json \"{text}\" is not a JSON path expectation such as $.status == \"success\"");
        }
        var path = new List<string>();
        foreach (Match seg in Segment().Matches(m.Groups["path"].Value))
        {
            path.Add(seg.Groups["name"].Success ? seg.Groups["name"].Value : seg.Groups["quoted"].Success ? seg.Groups["quoted"].Value : "#" + seg.Groups["index"].Value);
        }
        if (!m.Groups["op"].Success)
        {
            return new JsonExpectation(text, path, null, null);
        }
        JsonElement literal;
        try
        {
            using var doc = JsonDocument.Parse(m.Groups["literal"].Value);
            literal = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new FormatException($"expect_json: \"{m.Groups["literal"].Value}\" is not a JSON literal (strings need double quotes)");
        }
        return new JsonExpectation(text, path, m.Groups["op"].Value, literal);
    }

    /// <summary>Null when the document meets the expectation, otherwise why not.</summary>
    public string? Check(JsonElement root)
    {
        var current = root;
        var at = "$";
        foreach (var seg in Path)
        {
            if (seg == "length" && current.ValueKind == JsonValueKind.Array)
            {
                current = JsonDocument.Parse(current.GetArrayLength().ToString(CultureInfo.InvariantCulture)).RootElement;
                at += ".length";
                continue;
            }
            if (seg.StartsWith('#'))
            {
                var i = int.Parse(seg.AsSpan(1), CultureInfo.InvariantCulture);
                if (current.ValueKind != JsonValueKind.Array || i >= current.GetArrayLength())
                {
                    return $"{at}[{i}] does not exist";
                }
                current = current[i];
                at += $"[{i}]";
            }
            else
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(seg, out var next))
                {
                    return $"{at}.{seg} does not exist";
                }
                current = next;
                at += "." + seg;
            }
        }
        if (Operator is null)
        {
            return current.ValueKind == JsonValueKind.Null ? $"{at} is null" : null;
        }
        var expected = Expected!.Value;
        bool ok;
        if (Operator is "==" or "!=")
        {
            var equal = JsonElement.DeepEquals(current, expected)
                || (current.ValueKind == JsonValueKind.Number && expected.ValueKind == JsonValueKind.Number && current.GetDouble() == expected.GetDouble());
            ok = Operator == "==" ? equal : !equal;
        }
        else
        {
            if (Number(current) is not { } a || Number(expected) is not { } b)
            {
                return $"{at} is {current.GetRawText()}, which cannot be compared with {Operator} {expected.GetRawText()}";
            }
            ok = Operator switch
            {
                "<" => a < b,
                "<=" => a <= b,
                ">" => a > b,
                _ => a >= b,
            };
        }
        return ok ? null : $"{at} is {Shorten(current.GetRawText())}, expected {Operator} {expected.GetRawText()}";
    }

    // Prometheus returns sample values as JSON strings ("12.5"): compare them as numbers too.
    static double? Number(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    static string Shorten(string s) => s.Length <= 200 ? s : s[..200] + "…";

    [GeneratedRegex(@"^(?<path>\$(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\]|\[""[^""]*""\])*)\s*(?:(?<op>==|!=|<=|>=|<|>)\s*(?<literal>.+))?$")]
    private static partial Regex Syntax();

    [GeneratedRegex(@"\.(?<name>[A-Za-z_][A-Za-z0-9_-]*)|\[(?<index>\d+)\]|\[""(?<quoted>[^""]*)""\]")]
    private static partial Regex Segment();
}
