using Guardia.Core.Templating;

namespace Guardia.Core.Tests.Templating;

public sealed class ParserErrorTests
{
    static TheoryDataRow<string, string, int> Row(string name, string text, string message, int line) => new(text, message, line) { TestDisplayName = name };

    // Messages are Go's text/template messages, verified against amtool 0.25 where amtool reaches them.
    public static IEnumerable<TheoryDataRow<string, string, int>> Cases =>
    [
        Row("missing value for if", "{{ if }}", "template: t:1: missing value for if", 1),
        Row("unexpected end", "{{ end }}", "template: t:1: unexpected {{end}}", 1),
        Row("unexpected else", "x\n{{ else }}", "template: t:2: unexpected {{else}}", 2),
        Row("undefined function", "{{ nope 1 }}", "template: t:1: function \"nope\" not defined", 1),
        Row("undefined variable", "a\nb\n{{ $x }}", "template: t:3: undefined variable \"$x\"", 3),
        Row("unclosed action", "{{ .A", "template: t:1: unclosed action", 1),
        Row("unexpected EOF in if", "{{ if 1 }}x", "template: t:1: unexpected EOF", 1),
        Row("unclosed paren", "{{ (len .A }}", "template: t:1: unclosed left paren", 1),
        Row("break outside range", "{{ break }}", "template: t:1: {{break}} outside {{range}}", 1),
        Row("non executable pipeline stage", "{{ 1 | 2 }}", "template: t:1: non executable command in pipeline stage 2", 1),
        Row("unterminated string on line 2", "ok\n{{ \"abc }}", "template: t:2: unterminated quoted string", 2),
        Row("unexpected token in operand", "{{ .A := 1 }}", "template: t:1: unexpected \":=\" in operand", 1),
        Row("define needs a name", "{{ define x }}{{ end }}", "template: t:1: unexpected \"x\" in define clause", 1),
        Row("field after constant", "{{ \"a\".B }}", "template: t:1: unexpected . after term \"\\\"a\\\"\"", 1),
        Row("too many range variables", "{{ range $a, $b, $c := . }}{{ end }}", "template: t:1: too many declarations in range", 1),
        Row("comment must end at delimiter", "{{/* c */ x }}", "template: t:1: comment ends before closing delimiter", 1),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_ThrowsGoMessageWithLine_WhenTextIsInvalid(string text, string message, int line)
    {
        var e = Assert.Throws<TemplateException>(() => new TemplateSet().Parse("t", text));
        Assert.Equal(message, e.Message);
        Assert.Equal(line, e.Line);
        Assert.Equal("t", e.TemplateName);
    }

    [Fact]
    public void Parse_ReportsColumnOfOffendingToken_WhenFunctionIsUndefined()
    {
        var e = Assert.Throws<TemplateException>(() => new TemplateSet().Parse("t", "ok\n  {{ .A | nope }}"));
        Assert.Equal("template: t:2: function \"nope\" not defined", e.Message);
        Assert.Equal(2, e.Line);
        Assert.Equal(10, e.Column);
    }

    [Fact]
    public void Execute_ReportsLineAndColumn_WhenFieldIsMissing()
    {
        var set = new TemplateSet().Parse("n", "line one\n  {{ .Name.Foo }}");
        var data = new Dictionary<string, object?> { ["Name"] = "x" };
        var e = Assert.Throws<TemplateException>(() => set.Execute("n", data));
        Assert.Equal("template: n:2:10: executing \"n\" at <.Name.Foo>: can't evaluate field Foo in type string", e.Message);
        Assert.Equal(2, e.Line);
        Assert.Equal(10, e.Column);
    }

    [Fact]
    public void Execute_Throws_WhenTemplateIsNotDefined()
    {
        var set = new TemplateSet().Parse("n", "{{ template \"nope\" . }}");
        var e = Assert.Throws<TemplateException>(() => set.Execute("n", null));
        Assert.Equal("template: n:1:12: executing \"n\" at <{{template \"nope\" .}}>: template \"nope\" not defined", e.Message);
    }

    [Fact]
    public void Execute_Throws_WhenMissingKeyIsError()
    {
        var set = new TemplateSet { MissingKey = MissingKey.Error }.Parse("n", "{{ .a }}");
        var e = Assert.Throws<TemplateException>(() => set.Execute("n", new Dictionary<string, string>()));
        Assert.EndsWith("map has no entry for key \"a\"", e.Message, StringComparison.Ordinal);
    }
}
