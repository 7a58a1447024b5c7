using System.Globalization;

namespace Guardia.Core.Templating.Internal;

/// <summary>Builds trees from tokens with Go's text/template grammar and error messages.</summary>
sealed class Parser
{
    readonly string _parseName;
    readonly string _text;
    readonly List<Token> _tokens;
    readonly Func<string, bool> _hasFunction;
    readonly List<Tree> _trees = [];
    readonly List<string> _vars = ["$"];
    int _index;
    int _rangeDepth;
    int _lastLine = 1;
    int _lastPos;

    Parser(string parseName, string text, Func<string, bool> hasFunction)
    {
        _parseName = parseName;
        _text = text;
        _tokens = Lexer.Lex(text);
        _hasFunction = hasFunction;
    }

    /// <summary>Parses <paramref name="text"/>; returns the top-level tree named <paramref name="name"/> first, then every define and block.</summary>
    public static List<Tree> Parse(string name, string text, Func<string, bool> hasFunction)
    {
        var parser = new Parser(name, text, hasFunction);
        var root = parser.ParseTop();
        parser._trees.Insert(0, new Tree(name, name, text, root));
        return parser._trees;
    }

    // Go's parse errors name the line only; the column of the offending token is kept on the exception for tools.
    TemplateException Error(string message)
    {
        var lineStart = _lastPos <= 0 ? -1 : _text.LastIndexOf('\n', Math.Min(_lastPos, _text.Length) - 1);
        return new($"template: {_parseName}:{_lastLine}: {message}", _parseName, _lastLine, _lastPos - (lineStart + 1));
    }

    Token Next()
    {
        var t = _tokens[Math.Min(_index, _tokens.Count - 1)];
        _index++;
        _lastLine = t.Line;
        _lastPos = t.Pos;
        if (t.Kind == TokenKind.Error)
        {
            throw Error(t.Value);
        }
        return t;
    }

    void Backup(int n = 1) => _index -= n;

    Token Peek()
    {
        var t = Next();
        Backup();
        return t;
    }

    Token NextNonSpace()
    {
        Token t;
        do
        {
            t = Next();
        }
        while (t.Kind == TokenKind.Space);
        return t;
    }

    Token PeekNonSpace()
    {
        var t = NextNonSpace();
        Backup();
        return t;
    }

    Token Expect(TokenKind kind, string context)
    {
        var t = NextNonSpace();
        if (t.Kind != kind)
        {
            throw Unexpected(t, context);
        }
        return t;
    }

    TemplateException Unexpected(Token t, string context) =>
        t.Kind == TokenKind.Error ? Error(t.Value) : Error($"unexpected {t} in {context}");

    ListNode ParseTop()
    {
        var root = new ListNode(0);
        while (Peek().Kind != TokenKind.Eof)
        {
            if (Peek().Kind == TokenKind.LeftDelim)
            {
                var delim = Next();
                var next = NextNonSpace();
                if (next.Kind == TokenKind.Keyword && next.Value == "define")
                {
                    ParseDefinition();
                    continue;
                }
                _index = _tokens.IndexOf(delim);
            }
            var n = TextOrAction();
            if (n is EndNode or ElseNode)
            {
                throw Error($"unexpected {n}");
            }
            root.Nodes.Add(n);
        }
        return root;
    }

    void ParseDefinition()
    {
        const string context = "define clause";
        var nameToken = NextNonSpace();
        var name = TemplateName(nameToken, context);
        Expect(TokenKind.RightDelim, context);
        var savedVars = new List<string>(_vars);
        _vars.Clear();
        _vars.Add("$");
        var (list, end) = ItemList();
        if (end is not EndNode)
        {
            throw Error($"unexpected {end} in {context}");
        }
        _vars.Clear();
        _vars.AddRange(savedVars);
        AddTree(new Tree(name, _parseName, _text, list));
    }

    // Within one parse Go rejects two non-empty bodies for one name; an empty body never replaces a real one.
    void AddTree(Tree tree)
    {
        var index = _trees.FindIndex(t => t.Name == tree.Name);
        if (index < 0)
        {
            _trees.Add(tree);
            return;
        }
        if (!tree.IsEmpty && !_trees[index].IsEmpty)
        {
            throw Error($"template: multiple definition of template {GoFormat.Quote(tree.Name)}");
        }
        if (!tree.IsEmpty)
        {
            _trees[index] = tree;
        }
    }

    string TemplateName(Token token, string context)
    {
        if (token.Kind is TokenKind.String or TokenKind.RawString)
        {
            try
            {
                return Lexer.Unquote(token.Value);
            }
            catch (FormatException e)
            {
                throw Error(e.Message);
            }
        }
        throw Unexpected(token, context);
    }

    (ListNode List, Node End) ItemList()
    {
        var list = new ListNode(_tokens[Math.Min(_index, _tokens.Count - 1)].Pos);
        while (PeekNonSpace().Kind != TokenKind.Eof)
        {
            var n = TextOrAction();
            if (n is EndNode or ElseNode)
            {
                return (list, n);
            }
            list.Nodes.Add(n);
        }
        throw Error("unexpected EOF");
    }

    Node TextOrAction()
    {
        var token = NextNonSpace();
        return token.Kind switch
        {
            TokenKind.Text => new TextNode(token.Pos, token.Value),
            TokenKind.LeftDelim => Action(),
            _ => throw Unexpected(token, "input"),
        };
    }

    Node Action()
    {
        var token = NextNonSpace();
        if (token.Kind == TokenKind.Keyword)
        {
            switch (token.Value)
            {
                case "block": return BlockControl(token);
                case "break": return BreakOrContinue(token, isBreak: true);
                case "continue": return BreakOrContinue(token, isBreak: false);
                case "else": return ElseControl(token);
                case "end": return new EndNode(Expect(TokenKind.RightDelim, "end").Pos);
                case "if": return Control(token, BranchKind.If, "if");
                case "range": return Control(token, BranchKind.Range, "range");
                case "template": return TemplateControl(token);
                case "with": return Control(token, BranchKind.With, "with");
                default: break;
            }
        }
        Backup();
        var peek = Peek();
        return new ActionNode(peek.Pos, peek.Line, Pipeline("command", TokenKind.RightDelim));
    }

    Node BreakOrContinue(Token token, bool isBreak)
    {
        var word = isBreak ? "{{break}}" : "{{continue}}";
        var next = NextNonSpace();
        if (next.Kind != TokenKind.RightDelim)
        {
            throw Unexpected(next, word);
        }
        if (_rangeDepth == 0)
        {
            throw Error($"{word} outside {{{{range}}}}");
        }
        return isBreak ? new BreakNode(token.Pos, token.Line) : new ContinueNode(token.Pos, token.Line);
    }

    ElseNode ElseControl(Token token)
    {
        var peek = PeekNonSpace();
        if (peek.Kind == TokenKind.Keyword && peek.Value is "if" or "with")
        {
            // "{{else if x}}" is "{{else}}{{if x}}" sharing one {{end}}; the keyword stays for Control to see.
            return new ElseNode(peek.Pos, peek.Line);
        }
        Expect(TokenKind.RightDelim, "else");
        return new ElseNode(token.Pos, token.Line);
    }

    BranchNode Control(Token token, BranchKind kind, string context)
    {
        var varCount = _vars.Count;
        var pipe = Pipeline(context, TokenKind.RightDelim);
        if (kind == BranchKind.Range)
        {
            _rangeDepth++;
        }
        var (list, next) = ItemList();
        if (kind == BranchKind.Range)
        {
            _rangeDepth--;
        }
        ListNode? elseList = null;
        if (next is ElseNode)
        {
            var peek = Peek();
            if (peek.Kind == TokenKind.Keyword && ((kind == BranchKind.If && peek.Value == "if") || (kind == BranchKind.With && peek.Value == "with")))
            {
                var keyword = Next();
                elseList = new ListNode(next.Pos);
                elseList.Nodes.Add(Control(keyword, kind, context));
            }
            else
            {
                (elseList, next) = ItemList();
                if (next is not EndNode)
                {
                    throw Error($"expected end; found {next}");
                }
            }
        }
        _vars.RemoveRange(varCount, _vars.Count - varCount);
        return new BranchNode(pipe.Pos, pipe.Line, kind, pipe, list, elseList);
    }

    TemplateNode TemplateControl(Token token)
    {
        const string context = "template clause";
        var nameToken = NextNonSpace();
        var name = TemplateName(nameToken, context);
        PipeNode? pipe = null;
        if (NextNonSpace().Kind != TokenKind.RightDelim)
        {
            Backup();
            pipe = Pipeline(context, TokenKind.RightDelim);
        }
        return new TemplateNode(nameToken.Pos, token.Line, name, pipe);
    }

    TemplateNode BlockControl(Token token)
    {
        const string context = "block clause";
        var nameToken = NextNonSpace();
        var name = TemplateName(nameToken, context);
        var pipe = Pipeline(context, TokenKind.RightDelim);
        var savedVars = new List<string>(_vars);
        _vars.Clear();
        _vars.Add("$");
        var (list, end) = ItemList();
        if (end is not EndNode)
        {
            throw Error($"unexpected {end} in {context}");
        }
        _vars.Clear();
        _vars.AddRange(savedVars);
        AddTree(new Tree(name, _parseName, _text, list));
        return new TemplateNode(nameToken.Pos, token.Line, name, pipe);
    }

    PipeNode Pipeline(string context, TokenKind end)
    {
        var token = PeekNonSpace();
        var pipe = new PipeNode(token.Pos, token.Line);
        while (true)
        {
            var v = PeekNonSpace();
            if (v.Kind != TokenKind.Variable)
            {
                break;
            }
            var saved = _index;
            NextNonSpace();
            var afterVariable = Peek();
            var next = PeekNonSpace();
            if (next.Kind is TokenKind.Assign or TokenKind.Declare)
            {
                pipe.IsAssign = next.Kind == TokenKind.Assign;
                NextNonSpace();
                pipe.Decl.Add(new VariableNode(v.Pos, [v.Value]));
                if (!pipe.IsAssign)
                {
                    _vars.Add(v.Value);
                }
                else if (!_vars.Contains(v.Value))
                {
                    throw Error($"undefined variable {GoFormat.Quote(v.Value)}");
                }
                break;
            }
            if (next.Kind == TokenKind.Comma)
            {
                NextNonSpace();
                pipe.Decl.Add(new VariableNode(v.Pos, [v.Value]));
                _vars.Add(v.Value);
                if (context == "range" && pipe.Decl.Count < 2)
                {
                    var p = PeekNonSpace();
                    if (p.Kind is TokenKind.Variable or TokenKind.RightDelim or TokenKind.RightParen)
                    {
                        continue;
                    }
                    throw Error("range can only initialize variables");
                }
                throw Error($"too many declarations in {context}");
            }
            _ = afterVariable;
            _index = saved;
            break;
        }
        while (true)
        {
            var t = NextNonSpace();
            if (t.Kind == end)
            {
                CheckPipeline(pipe, context);
                return pipe;
            }
            switch (t.Kind)
            {
                case TokenKind.Bool or TokenKind.Char or TokenKind.Dot or TokenKind.Field or TokenKind.Identifier
                    or TokenKind.Number or TokenKind.Nil or TokenKind.RawString or TokenKind.String
                    or TokenKind.Variable or TokenKind.LeftParen:
                    Backup();
                    pipe.Cmds.Add(Command());
                    break;
                default:
                    throw Unexpected(t, context);
            }
        }
    }

    void CheckPipeline(PipeNode pipe, string context)
    {
        if (pipe.Cmds.Count == 0)
        {
            throw Error($"missing value for {context}");
        }
        for (var i = 1; i < pipe.Cmds.Count; i++)
        {
            if (pipe.Cmds[i].Args[0] is BoolNode or DotNode or NilNode or NumberNode or StringNode)
            {
                throw Error($"non executable command in pipeline stage {i + 1}");
            }
        }
    }

    CommandNode Command()
    {
        var cmd = new CommandNode(PeekNonSpace().Pos);
        while (true)
        {
            PeekNonSpace();
            var operand = Operand();
            if (operand is not null)
            {
                cmd.Args.Add(operand);
            }
            var token = Next();
            if (token.Kind == TokenKind.Space)
            {
                continue;
            }
            if (token.Kind is TokenKind.RightDelim or TokenKind.RightParen)
            {
                Backup();
            }
            else if (token.Kind != TokenKind.Pipe)
            {
                throw Unexpected(token, "operand");
            }
            break;
        }
        if (cmd.Args.Count == 0)
        {
            throw Error("empty command");
        }
        return cmd;
    }

    Node? Operand()
    {
        var node = Term();
        if (node is null)
        {
            return null;
        }
        if (Peek().Kind == TokenKind.Field)
        {
            var chain = new ChainNode(Peek().Pos, node);
            while (Peek().Kind == TokenKind.Field)
            {
                chain.Field.Add(Next().Value[1..]);
            }
            switch (node)
            {
                case FieldNode f:
                    return new FieldNode(chain.Pos, [.. f.Ident, .. chain.Field]);
                case VariableNode v:
                    return new VariableNode(chain.Pos, [.. v.Ident, .. chain.Field]);
                case BoolNode or StringNode or NumberNode or NilNode or DotNode:
                    throw Error($"unexpected . after term {GoFormat.Quote(node.ToString()!)}");
                default:
                    return chain;
            }
        }
        return node;
    }

    Node? Term()
    {
        var token = NextNonSpace();
        switch (token.Kind)
        {
            case TokenKind.Identifier:
                if (!_hasFunction(token.Value))
                {
                    throw Error($"function {GoFormat.Quote(token.Value)} not defined");
                }
                return new IdentifierNode(token.Pos, token.Value);
            case TokenKind.Dot:
                return new DotNode(token.Pos);
            case TokenKind.Nil:
                return new NilNode(token.Pos);
            case TokenKind.Variable:
                return UseVar(token.Pos, token.Value);
            case TokenKind.Field:
                return new FieldNode(token.Pos, token.Value[1..].Split('.'));
            case TokenKind.Bool:
                return new BoolNode(token.Pos, token.Value == "true");
            case TokenKind.Char or TokenKind.Number:
                return ParseNumber(token);
            case TokenKind.LeftParen:
                return Pipeline("parenthesized pipeline", TokenKind.RightParen);
            case TokenKind.String or TokenKind.RawString:
                try
                {
                    return new StringNode(token.Pos, token.Value, Lexer.Unquote(token.Value));
                }
                catch (FormatException e)
                {
                    throw Error(e.Message);
                }
            default:
                Backup();
                return null;
        }
    }

    VariableNode UseVar(int pos, string name)
    {
        var parts = name.Split('.');
        if (!_vars.Contains(parts[0]))
        {
            throw Error($"undefined variable {GoFormat.Quote(parts[0])}");
        }
        return new VariableNode(pos, parts);
    }

    static double ParseHexFloat(string s)
    {
        var p = s.IndexOfAny(['p', 'P']);
        var exponent = int.Parse(s[(p + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = s[..p];
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        if (point >= 0)
        {
            exponent -= 4 * (mantissa.Length - point - 1);
            mantissa = mantissa.Remove(point, 1);
        }
        var m = (double)ulong.Parse(mantissa.Length == 0 ? "0" : mantissa, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return Math.ScaleB(m, exponent);
    }

    NumberNode ParseNumber(Token token)
    {
        var text = token.Value;
        if (token.Kind == TokenKind.Char)
        {
            string rune;
            try
            {
                rune = Lexer.Unquote(text);
            }
            catch (FormatException e)
            {
                throw Error(e.Message);
            }
            if (rune.Length == 0 || char.ConvertToUtf32(rune, 0) is var cp && rune.Length != char.ConvertFromUtf32(cp).Length)
            {
                throw Error($"malformed character constant: {text}");
            }
            return new NumberNode(token.Pos, text, (long)char.ConvertToUtf32(rune, 0));
        }
        if (text.EndsWith('i'))
        {
            throw Error($"complex numbers are not supported: {GoFormat.Quote(text)}");
        }
        var clean = text.Replace("_", string.Empty, StringComparison.Ordinal);
        var negative = clean.StartsWith('-');
        var body = clean.TrimStart('+', '-');
        try
        {
            if (body.Length > 2 && body[0] == '0' && body[1] is 'x' or 'X' && body.Contains('p', StringComparison.OrdinalIgnoreCase))
            {
                var value = ParseHexFloat(body[2..]);
                return new NumberNode(token.Pos, text, negative ? -value : value);
            }
            if (body.Length > 2 && body[0] == '0' && body[1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B' && !body.Contains('.', StringComparison.Ordinal) && !body.Contains('p', StringComparison.OrdinalIgnoreCase))
            {
                var radix = body[1] is 'x' or 'X' ? 16 : body[1] is 'o' or 'O' ? 8 : 2;
                var value = Convert.ToInt64(body[2..], radix);
                return new NumberNode(token.Pos, text, negative ? -value : value);
            }
            if (body.Length > 1 && body[0] == '0' && body.All(char.IsAsciiDigit))
            {
                var value = Convert.ToInt64(body, 8);
                return new NumberNode(token.Pos, text, negative ? -value : value);
            }
            if (!body.Contains('.', StringComparison.Ordinal) && !body.Contains('e', StringComparison.OrdinalIgnoreCase)
                && long.TryParse(clean, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
            {
                return new NumberNode(token.Pos, text, i);
            }
            if (double.TryParse(clean, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && body.Any(char.IsAsciiDigit))
            {
                if (!body.Contains('.', StringComparison.Ordinal) && !body.Contains('e', StringComparison.OrdinalIgnoreCase))
                {
                    throw Error($"{text} overflows int");
                }
                return new NumberNode(token.Pos, text, d);
            }
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
        }
        throw Error($"illegal number syntax: {GoFormat.Quote(text)}");
    }
}
