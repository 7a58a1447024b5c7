using System.Text;

namespace Guardia.Core.Templating.Internal;

enum TokenKind
{
    Error,
    Eof,
    Text,
    LeftDelim,
    RightDelim,
    Space,
    Identifier,
    Field,
    Variable,
    Declare,
    Assign,
    Pipe,
    LeftParen,
    RightParen,
    String,
    RawString,
    Char,
    Number,
    Bool,
    Nil,
    Dot,
    Comma,
    Keyword,
}

readonly record struct Token(TokenKind Kind, string Value, int Pos, int Line)
{
    public override string ToString() => Kind switch
    {
        TokenKind.Eof => "EOF",
        TokenKind.Error => Value,
        TokenKind.Keyword => $"<{Value}>",
        _ when Value.Length > 10 => GoFormat.Quote(Value[..10]) + "...",
        _ => GoFormat.Quote(Value),
    };
}

/// <summary>Splits template text into tokens the way Go's text/template lexer does, including trim markers and comments.</summary>
sealed class Lexer
{
    const string LeftDelim = "{{";
    const string RightDelim = "}}";

    static readonly HashSet<string> Keywords = ["block", "break", "continue", "define", "else", "end", "if", "range", "template", "with"];

    readonly string _input;
    readonly List<Token> _tokens = [];
    int _pos;
    int _start;
    int _line = 1;
    int _startLine = 1;
    int _parenDepth;

    Lexer(string input) => _input = input;

    public static List<Token> Lex(string input)
    {
        var lexer = new Lexer(input);
        lexer.Run();
        return lexer._tokens;
    }

    void Run()
    {
        try
        {
            while (LexText())
            {
                LexAfterLeftDelim();
            }
        }
        catch (LexError e)
        {
            _tokens.Add(new Token(TokenKind.Error, e.Message, _start, _startLine));
            return;
        }
        _tokens.Add(new Token(TokenKind.Eof, string.Empty, _pos, _line));
    }

    sealed class LexError(string message) : Exception(message);

    void Emit(TokenKind kind)
    {
        _tokens.Add(new Token(kind, _input[_start.._pos], _start, _startLine));
        Ignore();
    }

    void Ignore()
    {
        _line += Count(_start, _pos);
        _start = _pos;
        _startLine = _line;
    }

    int Count(int from, int to)
    {
        var n = 0;
        for (var i = from; i < to; i++)
        {
            if (_input[i] == '\n')
            {
                n++;
            }
        }
        return n;
    }

    char Peek(int offset = 0) => _pos + offset < _input.Length ? _input[_pos + offset] : '\0';

    bool AtEnd => _pos >= _input.Length;

    static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    bool AtTrimLeft(int at) => at + 1 < _input.Length && _input[at] == '-' && IsSpace(_input[at + 1]);

    // Returns true when a left delimiter was found and consumed.
    bool LexText()
    {
        var idx = _input.IndexOf(LeftDelim, _pos, StringComparison.Ordinal);
        if (idx < 0)
        {
            _pos = _input.Length;
            if (_pos > _start)
            {
                Emit(TokenKind.Text);
            }
            return false;
        }
        _pos = idx;
        var trimLength = 0;
        if (AtTrimLeft(idx + LeftDelim.Length))
        {
            var end = idx;
            while (end > _start && IsSpace(_input[end - 1]))
            {
                end--;
            }
            trimLength = idx - end;
        }
        _pos = idx - trimLength;
        if (_pos > _start)
        {
            Emit(TokenKind.Text);
        }
        _pos = idx;
        Ignore();
        return true;
    }

    void LexAfterLeftDelim()
    {
        _pos += LeftDelim.Length;
        var trim = AtTrimLeft(_pos);
        var afterMarker = trim ? 2 : 0;
        if (string.CompareOrdinal(_input, _pos + afterMarker, "/*", 0, 2) == 0)
        {
            _pos += afterMarker;
            Ignore();
            LexComment();
            return;
        }
        Emit(TokenKind.LeftDelim);
        _pos += afterMarker;
        Ignore();
        _parenDepth = 0;
        LexInsideAction();
    }

    void LexComment()
    {
        _pos += 2;
        var end = _input.IndexOf("*/", _pos, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new LexError("unclosed comment");
        }
        _pos = end + 2;
        var (isRight, trimRight) = AtRightDelim();
        if (!isRight)
        {
            throw new LexError("comment ends before closing delimiter");
        }
        Ignore();
        if (trimRight)
        {
            _pos += 2;
        }
        _pos += RightDelim.Length;
        if (trimRight)
        {
            SkipLeadingSpace();
        }
        Ignore();
    }

    (bool IsRight, bool Trim) AtRightDelim()
    {
        if (_pos + 1 < _input.Length && IsSpace(_input[_pos]) && _input[_pos + 1] == '-'
            && string.CompareOrdinal(_input, _pos + 2, RightDelim, 0, 2) == 0)
        {
            return (true, true);
        }
        return (string.CompareOrdinal(_input, _pos, RightDelim, 0, 2) == 0, false);
    }

    void SkipLeadingSpace()
    {
        while (_pos < _input.Length && IsSpace(_input[_pos]))
        {
            _pos++;
        }
    }

    void LexInsideAction()
    {
        while (true)
        {
            var (isRight, trimRight) = AtRightDelim();
            if (isRight && _parenDepth > 0)
            {
                throw new LexError("unclosed left paren");
            }
            if (isRight)
            {
                if (trimRight)
                {
                    _pos += 2;
                    Ignore();
                }
                _pos += RightDelim.Length;
                Emit(TokenKind.RightDelim);
                if (trimRight)
                {
                    SkipLeadingSpace();
                    Ignore();
                }
                return;
            }
            if (AtEnd)
            {
                throw new LexError("unclosed action");
            }
            var c = _input[_pos];
            if (IsSpace(c))
            {
                while (_pos < _input.Length && IsSpace(_input[_pos]))
                {
                    var (r, t) = AtRightDelim();
                    if (r && t)
                    {
                        break;
                    }
                    _pos++;
                }
                Emit(TokenKind.Space);
                continue;
            }
            _pos++;
            switch (c)
            {
                case '=':
                    Emit(TokenKind.Assign);
                    break;
                case ':':
                    if (Peek() != '=')
                    {
                        throw new LexError("expected :=");
                    }
                    _pos++;
                    Emit(TokenKind.Declare);
                    break;
                case '|':
                    Emit(TokenKind.Pipe);
                    break;
                case '"':
                    LexQuote();
                    break;
                case '`':
                    LexRawQuote();
                    break;
                case '$':
                    LexVariable();
                    break;
                case '\'':
                    LexChar();
                    break;
                case '.':
                    if (char.IsAsciiDigit(Peek()))
                    {
                        _pos--;
                        LexNumber();
                    }
                    else
                    {
                        LexField(TokenKind.Field);
                    }
                    break;
                case '+' or '-':
                case >= '0' and <= '9':
                    _pos--;
                    LexNumber();
                    break;
                case '(':
                    Emit(TokenKind.LeftParen);
                    _parenDepth++;
                    break;
                case ')':
                    Emit(TokenKind.RightParen);
                    _parenDepth--;
                    if (_parenDepth < 0)
                    {
                        throw new LexError("unexpected right paren");
                    }
                    break;
                case ',':
                    Emit(TokenKind.Comma);
                    break;
                default:
                    if (IsAlphaNumeric(c))
                    {
                        _pos--;
                        LexIdentifier();
                    }
                    else
                    {
                        throw new LexError($"unrecognized character in action: {GoFormat.QuoteRune(c)}");
                    }
                    break;
            }
        }
    }

    static bool IsAlphaNumeric(char c) => c == '_' || char.IsLetterOrDigit(c);

    void LexIdentifier()
    {
        while (_pos < _input.Length && IsAlphaNumeric(_input[_pos]))
        {
            _pos++;
        }
        CheckTermination();
        var word = _input[_start.._pos];
        if (Keywords.Contains(word))
        {
            Emit(TokenKind.Keyword);
        }
        else if (word is "true" or "false")
        {
            Emit(TokenKind.Bool);
        }
        else if (word == "nil")
        {
            Emit(TokenKind.Nil);
        }
        else
        {
            Emit(TokenKind.Identifier);
        }
    }

    void LexField(TokenKind kind)
    {
        if (AtTerminator())
        {
            Emit(kind == TokenKind.Variable ? TokenKind.Variable : TokenKind.Dot);
            return;
        }
        while (_pos < _input.Length && IsAlphaNumeric(_input[_pos]))
        {
            _pos++;
        }
        CheckTermination();
        Emit(kind);
    }

    void LexVariable()
    {
        if (AtTerminator())
        {
            Emit(TokenKind.Variable);
            return;
        }
        LexField(TokenKind.Variable);
    }

    bool AtTerminator()
    {
        if (AtEnd)
        {
            return true;
        }
        var c = _input[_pos];
        if (IsSpace(c) || c is '.' or ',' or '|' or ':' or ')' or '(' or '=')
        {
            return true;
        }
        return string.CompareOrdinal(_input, _pos, RightDelim, 0, 2) == 0;
    }

    void CheckTermination()
    {
        if (!AtTerminator())
        {
            throw new LexError($"bad character {GoFormat.QuoteRune(_input[_pos])}");
        }
    }

    void LexQuote()
    {
        while (true)
        {
            if (AtEnd)
            {
                throw new LexError("unterminated quoted string");
            }
            var c = _input[_pos++];
            if (c == '\\')
            {
                if (AtEnd || _input[_pos] == '\n')
                {
                    throw new LexError("unterminated quoted string");
                }
                _pos++;
            }
            else if (c == '\n')
            {
                throw new LexError("unterminated quoted string");
            }
            else if (c == '"')
            {
                break;
            }
        }
        Emit(TokenKind.String);
    }

    void LexRawQuote()
    {
        var end = _input.IndexOf('`', _pos);
        if (end < 0)
        {
            throw new LexError("unterminated raw quoted string");
        }
        _pos = end + 1;
        Emit(TokenKind.RawString);
    }

    void LexChar()
    {
        while (true)
        {
            if (AtEnd)
            {
                throw new LexError("unterminated character constant");
            }
            var c = _input[_pos++];
            if (c == '\\')
            {
                if (AtEnd || _input[_pos] == '\n')
                {
                    throw new LexError("unterminated character constant");
                }
                _pos++;
            }
            else if (c == '\n')
            {
                throw new LexError("unterminated character constant");
            }
            else if (c == '\'')
            {
                break;
            }
        }
        Emit(TokenKind.Char);
    }

    void LexNumber()
    {
        if (Peek() is '+' or '-')
        {
            _pos++;
        }
        var digits = "0123456789_";
        if (Peek() == '0' && Peek(1) is 'x' or 'X')
        {
            _pos += 2;
            digits = "0123456789abcdefABCDEF_";
        }
        else if (Peek() == '0' && Peek(1) is 'o' or 'O')
        {
            _pos += 2;
            digits = "01234567_";
        }
        else if (Peek() == '0' && Peek(1) is 'b' or 'B')
        {
            _pos += 2;
            digits = "01_";
        }
        Accept(digits);
        if (Peek() == '.')
        {
            _pos++;
            Accept(digits);
        }
        if (digits.Length == 11 && Peek() is 'e' or 'E')
        {
            _pos++;
            if (Peek() is '+' or '-')
            {
                _pos++;
            }
            Accept("0123456789_");
        }
        if (digits.Length == 23 && Peek() is 'p' or 'P')
        {
            _pos++;
            if (Peek() is '+' or '-')
            {
                _pos++;
            }
            Accept("0123456789_");
        }
        if (Peek() == 'i')
        {
            _pos++;
        }
        if (!AtEnd && IsAlphaNumeric(Peek()))
        {
            _pos++;
            throw new LexError($"bad number syntax: {GoFormat.Quote(_input[_start.._pos])}");
        }
        Emit(TokenKind.Number);
    }

    void Accept(string valid)
    {
        while (_pos < _input.Length && valid.Contains(_input[_pos], StringComparison.Ordinal))
        {
            _pos++;
        }
    }

    /// <summary>Decodes a Go double-quoted string literal body (without the quotes).</summary>
    public static string Unquote(string literal)
    {
        if (literal.Length >= 2 && literal[0] == '`')
        {
            return literal[1..^1].Replace("\r", string.Empty, StringComparison.Ordinal);
        }
        var body = literal[1..^1];
        var quote = literal[0];
        var sb = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c != '\\')
            {
                if (c == quote)
                {
                    throw new FormatException("invalid syntax");
                }
                sb.Append(c);
                continue;
            }
            i++;
            if (i >= body.Length)
            {
                throw new FormatException("invalid syntax");
            }
            c = body[i];
            switch (c)
            {
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case '\\': sb.Append('\\'); break;
                case '\'' when quote == '\'': sb.Append('\''); break;
                case '"' when quote == '"': sb.Append('"'); break;
                case 'x':
                    sb.Append((char)ParseHex(body, i + 1, 2));
                    i += 2;
                    break;
                case 'u':
                    sb.Append(char.ConvertFromUtf32(ParseHex(body, i + 1, 4)));
                    i += 4;
                    break;
                case 'U':
                    sb.Append(char.ConvertFromUtf32(ParseHex(body, i + 1, 8)));
                    i += 8;
                    break;
                case >= '0' and <= '7':
                    if (i + 2 >= body.Length)
                    {
                        throw new FormatException("invalid syntax");
                    }
                    sb.Append((char)Convert.ToInt32(body.Substring(i, 3), 8));
                    i += 2;
                    break;
                default:
                    throw new FormatException("invalid syntax");
            }
        }
        return sb.ToString();
    }

    static int ParseHex(string s, int at, int n)
    {
        if (at + n > s.Length)
        {
            throw new FormatException("invalid syntax");
        }
        return int.Parse(s.AsSpan(at, n), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture);
    }
}
