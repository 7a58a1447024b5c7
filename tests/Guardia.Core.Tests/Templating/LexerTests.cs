using Guardia.Core.Templating.Internal;

namespace Guardia.Core.Tests.Templating;

public sealed class LexerTests
{
    static TheoryDataRow<string, string> Row(string name, string text, string tokens) => new(text, tokens) { TestDisplayName = name };

    public static IEnumerable<TheoryDataRow<string, string>> Cases =>
    [
        Row("plain text", "hello", "Text:hello Eof:"),
        Row("empty action parts", "{{.}}", "LeftDelim:{{ Dot:. RightDelim:}} Eof:"),
        Row("field chain", "{{ .Labels.foo }}", "LeftDelim:{{ Space:  Field:.Labels Field:.foo Space:  RightDelim:}} Eof:"),
        Row("variable declaration", "{{$x := 1}}", "LeftDelim:{{ Variable:$x Space:  Declare::= Space:  Number:1 RightDelim:}} Eof:"),
        Row("assignment", "{{$x = 2}}", "LeftDelim:{{ Variable:$x Space:  Assign:= Space:  Number:2 RightDelim:}} Eof:"),
        Row("pipe and paren", "{{(len .A) | f}}", "LeftDelim:{{ LeftParen:( Identifier:len Space:  Field:.A RightParen:) Space:  Pipe:| Space:  Identifier:f RightDelim:}} Eof:"),
        Row("strings", "{{\"a\\\"b\" `raw`}}", "LeftDelim:{{ String:\"a\\\"b\" Space:  RawString:`raw` RightDelim:}} Eof:"),
        Row("numbers and chars", "{{1 -2 3.5 0x1F 'a' 1e3}}", "LeftDelim:{{ Number:1 Space:  Number:-2 Space:  Number:3.5 Space:  Number:0x1F Space:  Char:'a' Space:  Number:1e3 RightDelim:}} Eof:"),
        Row("keywords and constants", "{{if true}}{{else}}{{end}}{{nil}}", "LeftDelim:{{ Keyword:if Space:  Bool:true RightDelim:}} LeftDelim:{{ Keyword:else RightDelim:}} LeftDelim:{{ Keyword:end RightDelim:}} LeftDelim:{{ Nil:nil RightDelim:}} Eof:"),
        Row("left trim eats preceding space", "a  \n {{- 1}}", "Text:a LeftDelim:{{ Number:1 RightDelim:}} Eof:"),
        Row("right trim eats following space", "{{1 -}} \n\t b", "LeftDelim:{{ Number:1 RightDelim:}} Text:b Eof:"),
        Row("minus without space is a number", "{{-1}}", "LeftDelim:{{ Number:-1 RightDelim:}} Eof:"),
        Row("comment is dropped", "a{{/* c */}}b", "Text:a Text:b Eof:"),
        Row("trimmed comment", "a {{- /* c */ -}} b", "Text:a Text:b Eof:"),
        Row("range declaration with comma", "{{range $i, $e := .}}", "LeftDelim:{{ Keyword:range Space:  Variable:$i Comma:, Space:  Variable:$e Space:  Declare::= Space:  Dot:. RightDelim:}} Eof:"),
        Row("unclosed action", "{{ .A ", "LeftDelim:{{ Space:  Field:.A Space:  Error:unclosed action"),
        Row("unterminated string", "{{ \"abc }}", "LeftDelim:{{ Space:  Error:unterminated quoted string"),
        Row("unclosed comment", "{{/* x", "Error:unclosed comment"),
        Row("bad character", "{{ # }}", "LeftDelim:{{ Space:  Error:unrecognized character in action: '#'"),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Lex_ProducesGoTokens_WhenGivenTemplateText(string text, string expected)
    {
        var tokens = Lexer.Lex(text).Select(t => $"{t.Kind}:{t.Value}");
        Assert.Equal(expected, string.Join(' ', tokens));
    }

    [Fact]
    public void Lex_CountsLines_WhenTextSpansNewlines()
    {
        var tokens = Lexer.Lex("a\nb\n{{ .X }}");
        Assert.Equal(3, tokens.First(t => t.Kind == TokenKind.Field).Line);
    }
}
