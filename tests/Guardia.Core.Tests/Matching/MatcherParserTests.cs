using Guardia.Core.Matching;
using MatchType = Guardia.Core.Matching.MatchType;

namespace Guardia.Core.Tests.Matching;

public sealed class MatcherParserTests
{
    static TheoryDataRow<string, string> Row(string name, string input, string expected) => new(input, expected) { TestDisplayName = name };

    static TheoryDataRow<string, string> Err(string name, string input, string message) => new(input, message) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string>> ParseCases =>
    [
        Row("unquoted value", "foo=bar", "{foo=\"bar\"}"),
        Row("braces and trailing comma", "{foo = \"bar\", dings != \"bums\", }", "{foo=\"bar\",dings!=\"bums\"}"),
        Row("no spaces", "foo=bar,dings!=bums", "{foo=\"bar\",dings!=\"bums\"}"),
        Row("quoted comma", "{quote=\"She said: \\\"Hi, ladies!\\\"\"}", "{quote=\"She said: \\\"Hi, ladies!\\\"\"}"),
        Row("regex", "statuscode=~\"5..\"", "{statuscode=~\"5..\"}"),
        Row("negative regex", "env!~dev|qa", "{env!~\"dev|qa\"}"),
        Row("empty value", "team=", "{team=\"\"}"),
        Row("empty quoted value", "team!=\"\"", "{team!=\"\"}"),
        Row("colon in name", "a:b=c", "{a:b=\"c\"}"),
        Row("escaped newline", "msg=\"a\\nb\"", "{msg=\"a\\nb\"}"),
        Row("escaped backslash", "path=\"c:\\\\x\"", "{path=\"c:\\\\x\"}"),
        Row("spurious escape stays literal", "re=~\"\\d+\"", "{re=~\"\\\\d+\"}"),
        Row("trailing backslash is literal", "a=b\\", "{a=\"b\\\\\"}"),
        Row("unicode value", "equipo=\"señal ñandú\"", "{equipo=\"señal ñandú\"}"),
        Row("empty input", "", "{}"),
        Row("only braces", "{}", "{}"),
    ];

    [Theory]
    [MemberData(nameof(ParseCases))]
    public void Parse_ReturnsAlertmanagerMatchers_WhenInputIsValid(string input, string expected)
    {
        var matchers = Matchers.Of(MatcherParser.Parse(input));
        Assert.Equal(expected, matchers.ToString());
    }

    public static IEnumerable<TheoryDataRow<string, string>> ErrorCases =>
    [
        Err("no operator", "foo", "bad matcher format: foo"),
        Err("name starts with digit", "1foo=bar", "bad matcher format: 1foo=bar"),
        Err("space in name", "a b=c", "bad matcher format: a b=c"),
        Err("unescaped inner quote", "foo=\"b\"ar\"", "matcher value contains unescaped double quote: \"b\"ar\""),
        Err("missing closing quote", "foo=\"bar", "matcher value contains unescaped double quote: \"bar"),
        Err("lone quote", "foo=\"", "matcher value contains unescaped double quote: \""),
        Err("lookahead", "foo=~\"(?=a)\"", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"),
        Err("backreference", "foo=~\"(a)\\\\1\"", "error parsing regexp: invalid escape sequence: `\\1`"),
        Err("repeat count", "foo=~\"a{1001}\"", "error parsing regexp: invalid repeat count: `{1001}`"),
        Err("unclosed class", "foo=~\"[a\"", "error parsing regexp: missing closing ]: `[a)$`"),
    ];

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void Parse_ThrowsWithAlertmanagerMessage_WhenInputIsInvalid(string input, string message)
    {
        var ex = Assert.Throws<MatcherException>(() => MatcherParser.Parse(input));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void ParseMatcher_DoesNotStripBraces()
    {
        var ex = Assert.Throws<MatcherException>(() => MatcherParser.ParseMatcher("{foo=\"bar\",baz=~\"a|b\"}"));
        Assert.Equal("bad matcher format: {foo=\"bar\",baz=~\"a|b\"}", ex.Message);
    }

    [Fact]
    public void ParseMatcher_PrefersRegexOperator_WhenValueStartsWithTilde()
    {
        var m = MatcherParser.ParseMatcher("a=~b");
        Assert.Equal(MatchType.Regexp, m.Type);
        Assert.Equal("b", m.Value);
    }
}
