using Guardia.Core.Templating;

namespace Guardia.Core.Tests.Templating;

public sealed class ExecutionTests
{
    static TheoryDataRow<string, string> Row(string name, string template, string expected) => new(template, expected) { TestDisplayName = name };

    static readonly Dictionary<string, object?> Data = new()
    {
        ["Name"] = "world",
        ["Count"] = 3L,
        ["Zero"] = 0L,
        ["Ratio"] = 0.25,
        ["Empty"] = "",
        ["Labels"] = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1", ["c"] = "3" },
        ["Items"] = new List<object?> { "x", "y", "z" },
        ["Nested"] = new Dictionary<string, object?> { ["Inner"] = new Dictionary<string, object?> { ["Value"] = "deep" } },
        ["None"] = new List<object?>(),
        ["Obj"] = new Person("Ana", 41),
        ["Plain"] = new Service("checkout", 3, ["api", "db"]),
    };

    public sealed record Service(string Name, int Replicas, IReadOnlyList<string> Dependencies)
    {
        public string Describe(string prefix) => $"{prefix}{Name}x{Replicas}";

        public bool IsScaled() => Replicas > 1;
    }

    sealed record Person(string Name, long Age) : ITemplateObject
    {
        public bool TryGetMember(string name, out object? value)
        {
            value = name switch
            {
                "Name" => Name,
                "Age" => Age,
                "Greet" => (TemplateFunction)(args => "hola " + (args.Count > 0 ? args[0] : Name)),
                _ => null,
            };
            return value is not null;
        }
    }

    public static IEnumerable<TheoryDataRow<string, string>> Cases =>
    [
        Row("text only", "hello", "hello"),
        Row("field", "Hello {{ .Name }}!", "Hello world!"),
        Row("map key", "{{ .Labels.a }}{{ .Labels.c }}", "13"),
        Row("missing map key prints no value", "[{{ .Labels.zz }}]", "[<no value>]"),
        Row("missing nested key prints no value", "[{{ .Nested.Missing.Deep }}]", "[<no value>]"),
        Row("nested maps", "{{ .Nested.Inner.Value }}", "deep"),
        Row("object member and method", "{{ .Obj.Name }} {{ .Obj.Age }} {{ .Obj.Greet }} {{ .Obj.Greet \"tú\" }}", "Ana 41 hola Ana hola tú"),
        Row("dollar is the data", "{{ with .Obj }}{{ $.Name }}{{ end }}", "world"),
        Row("trim both sides", "a  {{- .Name -}}  b", "aworldb"),
        Row("trim across newlines", "x\n\n  {{- \"y\" }}\n  {{- \"z\" -}}\n\n w", "xyzw"),
        Row("comment", "a{{/* ignored */}}b{{- /* trimmed */ -}} c", "abc"),
        Row("if else", "{{ if .Zero }}yes{{ else }}no{{ end }}", "no"),
        Row("else if chain", "{{ if eq .Count 1 }}one{{ else if eq .Count 3 }}three{{ else }}many{{ end }}", "three"),
        Row("empty string is false", "{{ if .Empty }}t{{ else }}f{{ end }}", "f"),
        Row("empty list is false", "{{ if .None }}t{{ else }}f{{ end }}", "f"),
        Row("with sets dot", "{{ with .Obj }}{{ .Name }}{{ end }}", "Ana"),
        Row("with else", "{{ with .Empty }}x{{ else }}empty{{ end }}", "empty"),
        Row("with else with", "{{ with .Empty }}x{{ else with .Name }}{{ . }}{{ end }}", "world"),
        Row("range list", "{{ range .Items }}<{{ . }}>{{ end }}", "<x><y><z>"),
        Row("range index and element", "{{ range $i, $e := .Items }}{{ $i }}={{ $e }} {{ end }}", "0=x 1=y 2=z "),
        Row("range map in sorted key order", "{{ range $k, $v := .Labels }}{{ $k }}{{ $v }}{{ end }}", "a1b2c3"),
        Row("range else", "{{ range .None }}x{{ else }}nothing{{ end }}", "nothing"),
        Row("range break", "{{ range .Items }}{{ if eq . \"y\" }}{{ break }}{{ end }}{{ . }}{{ end }}", "x"),
        Row("range continue", "{{ range .Items }}{{ if eq . \"y\" }}{{ continue }}{{ end }}{{ . }}{{ end }}", "xz"),
        Row("range over integer", "{{ range 3 }}{{ . }}{{ end }}", "012"),
        Row("variable scope ends with block", "{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}", "21"),
        Row("assignment changes outer variable", "{{ $x := 1 }}{{ range .Items }}{{ $x = . }}{{ end }}{{ $x }}", "z"),
        Row("declaration prints nothing", "{{ $x := .Name }}-", "-"),
        Row("pipeline passes last argument", "{{ .Name | printf \"%s-%s\" \"a\" }}", "a-world"),
        Row("parenthesised argument", "{{ printf \"%d\" (len .Items) }}", "3"),
        Row("chain on parenthesised value", "{{ (.Nested).Inner.Value }}", "deep"),
        Row("define and template", "{{ define \"T\" }}[{{ . }}]{{ end }}{{ template \"T\" .Name }}", "[world]"),
        Row("template without data", "{{ define \"T\" }}[{{ . }}]{{ end }}{{ template \"T\" }}", "[<no value>]"),
        Row("block defines and runs", "{{ block \"B\" .Count }}n={{ . }}{{ end }}", "n=3"),
        Row("template does not inherit variables", "{{ define \"T\" }}{{ $ }}{{ end }}{{ $x := 1 }}{{ template \"T\" 5 }}", "5"),
        Row("numbers", "{{ 1 }} {{ -2 }} {{ 1.5 }} {{ 0x10 }} {{ 'a' }} {{ 1e3 }} {{ 017 }} {{ 1_000 }}", "1 -2 1.5 16 97 1000 15 1000"),
        Row("float prints shortest", "{{ .Ratio }} {{ 1e6 }} {{ 123456.0 }} {{ 0.0001 }} {{ 0.00001 }}", "0.25 1e+06 123456 0.0001 1e-05"),
        Row("bool and nil-like values", "{{ true }} {{ false }}", "true false"),
        Row("list prints like Go", "{{ .Items }}", "[x y z]"),
        Row("map prints like Go", "{{ .Labels }}", "map[a:1 b:2 c:3]"),
        Row("plain record by reflection", "{{ .Plain.Name }} {{ .Plain.Replicas }} {{ .Plain.Dependencies }} {{ .Plain.IsScaled }} {{ .Plain.Describe \"svc:\" }} {{ gt .Plain.Replicas 2 }}", "checkout 3 [api db] true svc:checkoutx3 true"),
        Row("raw string", "{{ `a\\nb` }}", "a\\nb"),
        Row("string escapes", "{{ \"tab\\tquote\\\"\" }}", "tab\tquote\""),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Execute_MatchesGo_WhenTemplateIsValid(string template, string expected)
    {
        var set = new TemplateSet().Parse("t", template);
        Assert.Equal(expected, set.Execute("t", Data));
    }

    [Fact]
    public void Execute_PrintsEmptyString_WhenMissingKeyIsZeroOnStringMap()
    {
        var set = new TemplateSet { MissingKey = MissingKey.Zero }.Parse("t", "[{{ .Labels.zz }}]");
        Assert.Equal("[]", set.Execute("t", Data));
    }

    [Fact]
    public void Parse_KeepsEarlierDefinition_WhenRedefinitionIsEmpty()
    {
        var set = new TemplateSet()
            .Parse("a", "{{ define \"T\" }}first{{ end }}")
            .Parse("b", "{{ define \"T\" }}  {{ end }}{{ template \"T\" }}");
        Assert.Equal("first", set.Execute("b", null));
    }

    [Fact]
    public void Parse_ReplacesDefinition_WhenRedefined()
    {
        var set = new TemplateSet()
            .Parse("a", "{{ define \"T\" }}first{{ end }}")
            .Parse("b", "{{ define \"T\" }}second{{ end }}{{ template \"T\" }}");
        Assert.Equal("second", set.Execute("b", null));
    }

    [Fact]
    public void Clone_LeavesOriginalUnchanged_WhenCloneIsParsed()
    {
        var set = new TemplateSet().Parse("a", "{{ define \"T\" }}first{{ end }}");
        set.Clone().Parse("b", "{{ define \"T\" }}second{{ end }}");
        Assert.Equal("first", new TemplateSet().Parse("x", "{{ template \"T\" }}").Clone().Parse("a", "{{ define \"T\" }}first{{ end }}").Execute("x", null));
        Assert.True(set.HasTemplate("T"));
        Assert.False(set.HasTemplate("b"));
    }

    [Fact]
    public void Execute_EscapesValuesButNotSafeHtml_WhenHtml()
    {
        var set = new TemplateSet().Parse("t", "<!-- dropped --><p>{{ . }}</p>{{ call .F }}");
        _ = set;
        var html = new TemplateSet().Parse("t", "<!-- dropped --><p>{{ .A }}</p>{{ .B }}");
        var data = new Dictionary<string, object?> { ["A"] = "<b>x+y & 'z'</b>", ["B"] = new SafeHtml("<i>ok</i>") };
        Assert.Equal("<p>&lt;b&gt;x&#43;y &amp; &#39;z&#39;&lt;/b&gt;</p><i>ok</i>", html.Execute("t", data, html: true));
    }

    [Fact]
    public void Execute_CallsFunctionValue_WhenCallBuiltinIsUsed()
    {
        TemplateFunction add = args => (long)args[0]! + (long)args[1]!;
        var set = new TemplateSet().Parse("t", "{{ call .Add 2 3 }}");
        Assert.Equal("5", set.Execute("t", new Dictionary<string, object?> { ["Add"] = add }));
    }

    [Fact]
    public void Execute_WrapsFunctionError_WhenFunctionFails()
    {
        var set = new TemplateSet().AddFunctions([new("fail", _ => throw new TemplateFunctionException("boom"))]).Parse("t", "{{ fail }}");
        var e = Assert.Throws<TemplateException>(() => set.Execute("t", null));
        Assert.Equal("template: t:1:3: executing \"t\" at <fail>: error calling fail: boom", e.Message);
    }
}
