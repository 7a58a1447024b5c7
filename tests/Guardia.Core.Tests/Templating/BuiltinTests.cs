using Guardia.Core.Templating;

namespace Guardia.Core.Tests.Templating;

public sealed class BuiltinTests
{
    static TheoryDataRow<string, string> Row(string name, string template, string expected) => new(template, expected) { TestDisplayName = name };

    static readonly Dictionary<string, object?> Data = new()
    {
        ["S"] = new List<string> { "a", "b", "c", "d" },
        ["M"] = new Dictionary<string, string> { ["k"] = "v" },
        ["O"] = new Dictionary<string, object?> { ["k"] = 1L },
    };

    // Expected values are what Go 1.19+ text/template prints (checked with amtool template render where expressible).
    public static IEnumerable<TheoryDataRow<string, string>> Cases =>
    [
        Row("and returns first false", "{{ and 1 0 2 }}", "0"),
        Row("and returns last when all true", "{{ and 1 2 3 }}", "3"),
        Row("or returns first true", "{{ or 0 \"\" \"x\" }}", "x"),
        Row("or returns last when all false", "{{ or 0 \"\" }}", ""),
        Row("and short-circuits", "{{ and false (index .S 99) }}", "false"),
        Row("not", "{{ not 0 }} {{ not \"x\" }}", "true false"),
        Row("len of string counts UTF-8 bytes", "{{ len \"héllo\" }}", "6"),
        Row("len of list and map", "{{ len .S }} {{ len .M }}", "4 1"),
        Row("index list", "{{ index .S 1 }}", "b"),
        Row("index string gives byte", "{{ index \"abc\" 1 }}", "98"),
        Row("index string map", "{{ index .M \"k\" }}|{{ index .M \"missing\" }}|", "v||"),
        Row("index object map missing", "{{ index .O \"missing\" }}", "<no value>"),
        Row("slice list", "{{ slice .S 1 3 }}", "[b c]"),
        Row("slice list open end", "{{ slice .S 2 }}", "[c d]"),
        Row("slice string", "{{ slice \"abcdef\" 1 3 }}", "bc"),
        Row("print spaces between non-strings", "{{ print 1 2 \"a\" \"b\" 3 true }}", "1 2ab3 true"),
        Row("println", "{{ println 1 \"a\" 2 }}", "1 a 2\n"),
        Row("html", "{{ html \"<a href='x'>&\\\"</a>\" }}", "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;"),
        Row("js", "{{ js \"it's <b>\\\"x\\\" & y=z\\n\" }}", "it\\'s \\u003Cb\\u003E\\\"x\\\" \\u0026 y\\u003Dz\\u000A"),
        Row("urlquery", "{{ urlquery \"a b&c=d/é\" }}", "a+b%26c%3Dd%2F%C3%A9"),
        Row("eq", "{{ eq 1 1 }} {{ eq \"a\" \"b\" }} {{ eq \"a\" \"b\" \"a\" }}", "true false true"),
        Row("ne", "{{ ne 1 2 }} {{ ne \"a\" \"a\" }}", "true false"),
        Row("lt le gt ge", "{{ lt 1 2 }} {{ le 2 2 }} {{ gt \"b\" \"a\" }} {{ ge 1.5 2.5 }}", "true true true false"),
        Row("printf", "{{ printf \"%s=%d\" \"n\" 5 }}", "n=5"),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Builtin_MatchesGo_WhenCalled(string template, string expected)
    {
        var set = new TemplateSet().Parse("t", template);
        Assert.Equal(expected, set.Execute("t", Data));
    }

    public static IEnumerable<TheoryDataRow<string, string>> ErrorCases =>
    [
        Row("index out of range", "{{ index .S 9 }}", "error calling index: index out of range: 9"),
        Row("comparison of different kinds", "{{ eq 1 \"a\" }}", "error calling eq: incompatible types for comparison"),
        Row("and without arguments", "{{ and }}", "wrong number of args for and: want at least 1 got 0"),
        Row("len of number", "{{ len 3 }}", "error calling len: len of type int"),
        Row("not with two arguments", "{{ not 1 2 }}", "wrong number of args for not: want 1 got 2"),
        Row("argument to map field", "{{ .S 1 }}", "S is not a method but has arguments"),
        Row("argument to non-function", "{{ \"a\" 1 }}", "can't give argument to non-function \"a\""),
        Row("nil is not a command", "{{ nil }}", "nil is not a command"),
    ];

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void Builtin_ThrowsGoMessage_WhenMisused(string template, string messageEnd)
    {
        var set = new TemplateSet().Parse("t", template);
        var e = Assert.Throws<TemplateException>(() => set.Execute("t", Data));
        Assert.EndsWith(messageEnd, e.Message, StringComparison.Ordinal);
    }
}
