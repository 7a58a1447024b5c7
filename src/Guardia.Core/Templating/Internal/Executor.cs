using System.Collections;
using System.Text;

namespace Guardia.Core.Templating.Internal;

/// <summary>Walks a parsed tree with Go's text/template execution rules.</summary>
sealed class Executor
{
    const int MaxDepth = 1000;

    static readonly object Missing = new();

    readonly TemplateSet _set;
    readonly StringBuilder _out;
    readonly bool _html;
    List<(string Name, object? Value)> _vars = [];
    Tree _tree;
    Node? _node;
    int _depth;

    enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    public Executor(TemplateSet set, Tree tree, StringBuilder output, bool html)
    {
        _set = set;
        _tree = tree;
        _out = output;
        _html = html;
    }

    public void Execute(object? data)
    {
        _vars = [("$", data)];
        Walk(data, _tree.Root);
    }

    TemplateException Error(string message)
    {
        if (_node is null)
        {
            return new TemplateException($"template: {_tree.Name}: {message}", _tree.ParseName, 0, 0);
        }
        var (line, col) = _tree.Position(_node.Pos);
        var context = _node.ToString() ?? string.Empty;
        return new TemplateException(
            $"template: {_tree.ParseName}:{line}:{col}: executing {GoFormat.Quote(_tree.Name)} at <{context}>: {message}",
            _tree.ParseName, line, col);
    }

    Flow Walk(object? dot, Node node)
    {
        _node = node;
        switch (node)
        {
            case ActionNode action:
                var value = EvalPipeline(dot, action.Pipe);
                if (action.Pipe.Decl.Count == 0)
                {
                    _node = action;
                    Print(value, action.Pipe.Cmds[^1].Args[0] is IdentifierNode { Name: "html" or "urlquery" } escaper ? escaper.Name : null);
                }
                return Flow.Normal;
            case BreakNode:
                return Flow.Break;
            case ContinueNode:
                return Flow.Continue;
            case BranchNode { Kind: BranchKind.Range } range:
                return WalkRange(dot, range);
            case BranchNode branch:
                return WalkIfOrWith(dot, branch);
            case ListNode list:
                foreach (var n in list.Nodes)
                {
                    var flow = Walk(dot, n);
                    if (flow != Flow.Normal)
                    {
                        return flow;
                    }
                }
                return Flow.Normal;
            case TemplateNode t:
                WalkTemplate(dot, t);
                return Flow.Normal;
            case TextNode text:
                _out.Append(_html ? TemplateSet.StripHtmlComments(text.Text) : text.Text);
                return Flow.Normal;
            default:
                throw Error($"unknown node: {node}");
        }
    }

    void Print(object? value, string? endsWithEscaper)
    {
        string text;
        if (value is null)
        {
            text = "<no value>";
        }
        else if (value is Delegate)
        {
            throw Error($"can't print {_node} of type {GoFormat.TypeName(value)}");
        }
        else
        {
            text = GoFormat.FormatValue(value);
        }
        if (_html && value is not SafeHtml)
        {
            text = HtmlEscaping.Escape(_out, text, endsWithEscaper);
        }
        _out.Append(text);
    }

    Flow WalkIfOrWith(object? dot, BranchNode branch)
    {
        var mark = _vars.Count;
        var value = EvalPipeline(dot, branch.Pipe);
        var flow = Flow.Normal;
        if (Values.IsTrue(value))
        {
            flow = Walk(branch.Kind == BranchKind.With ? value : dot, branch.List);
        }
        else if (branch.ElseList is not null)
        {
            flow = Walk(dot, branch.ElseList);
        }
        _vars.RemoveRange(mark, _vars.Count - mark);
        return flow;
    }

    Flow WalkRange(object? dot, BranchNode range)
    {
        _node = range;
        var mark = _vars.Count;
        var value = EvalPipeline(dot, range.Pipe);
        var iterMark = _vars.Count;
        var any = false;

        bool OneIteration(object? index, object? elem)
        {
            if (range.Pipe.Decl.Count > 0)
            {
                if (range.Pipe.IsAssign)
                {
                    if (range.Pipe.Decl.Count > 1)
                    {
                        SetVar(range.Pipe.Decl[0].Ident[0], index);
                        SetVar(range.Pipe.Decl[1].Ident[0], elem);
                    }
                    else
                    {
                        SetVar(range.Pipe.Decl[0].Ident[0], elem);
                    }
                }
                else
                {
                    SetTopVar(1, elem);
                    if (range.Pipe.Decl.Count > 1)
                    {
                        SetTopVar(2, index);
                    }
                }
            }
            any = true;
            var flow = Walk(elem, range.List);
            _vars.RemoveRange(iterMark, _vars.Count - iterMark);
            return flow != Flow.Break;
        }

        switch (value)
        {
            case null:
                break;
            case IReadOnlyDictionary<string, string> map:
                foreach (var key in map.Keys.OrderBy(k => k, Alerts.LabelNames.Utf8Comparer).ToList())
                {
                    if (!OneIteration(key, map[key]))
                    {
                        break;
                    }
                }
                break;
            case IReadOnlyDictionary<string, object?> map:
                foreach (var key in map.Keys.OrderBy(k => k, Alerts.LabelNames.Utf8Comparer).ToList())
                {
                    if (!OneIteration(key, map[key]))
                    {
                        break;
                    }
                }
                break;
            case long or int:
                var n = Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
                for (long i = 0; i < n; i++)
                {
                    if (!OneIteration(i, i))
                    {
                        break;
                    }
                }
                break;
            case IEnumerable items and not string:
                long index = 0;
                foreach (var item in items)
                {
                    if (!OneIteration(index++, item))
                    {
                        break;
                    }
                }
                break;
            default:
                throw Error($"range can't iterate over {GoFormat.FormatValue(value)}");
        }
        var result = Flow.Normal;
        if (!any && range.ElseList is not null)
        {
            result = Walk(dot, range.ElseList);
        }
        _vars.RemoveRange(mark, _vars.Count - mark);
        return result == Flow.Normal ? Flow.Normal : result;
    }

    void WalkTemplate(object? dot, TemplateNode t)
    {
        _node = t;
        if (!_set.TryGetTree(t.Name, out var tree))
        {
            throw Error($"template {GoFormat.Quote(t.Name)} not defined");
        }
        if (_depth >= MaxDepth)
        {
            throw Error($"exceeded maximum template depth ({MaxDepth})");
        }
        var newDot = t.Pipe is null ? null : EvalPipeline(dot, t.Pipe);
        var savedVars = _vars;
        var savedTree = _tree;
        _vars = [("$", newDot)];
        _tree = tree;
        _depth++;
        try
        {
            Walk(newDot, tree.Root);
        }
        finally
        {
            _depth--;
            _vars = savedVars;
            _tree = savedTree;
        }
    }

    void SetVar(string name, object? value)
    {
        for (var i = _vars.Count - 1; i >= 0; i--)
        {
            if (_vars[i].Name == name)
            {
                _vars[i] = (name, value);
                return;
            }
        }
        throw Error($"undefined variable: {name}");
    }

    void SetTopVar(int n, object? value) => _vars[^n] = (_vars[^n].Name, value);

    object? VarValue(string name)
    {
        for (var i = _vars.Count - 1; i >= 0; i--)
        {
            if (_vars[i].Name == name)
            {
                return _vars[i].Value;
            }
        }
        throw Error($"undefined variable: {name}");
    }

    object? EvalPipeline(object? dot, PipeNode pipe)
    {
        _node = pipe;
        object? value = Missing;
        foreach (var cmd in pipe.Cmds)
        {
            value = EvalCommand(dot, cmd, value);
        }
        foreach (var v in pipe.Decl)
        {
            if (pipe.IsAssign)
            {
                SetVar(v.Ident[0], value);
            }
            else
            {
                _vars.Add((v.Ident[0], value));
            }
        }
        return value;
    }

    object? EvalCommand(object? dot, CommandNode cmd, object? final)
    {
        var first = cmd.Args[0];
        switch (first)
        {
            case FieldNode field:
                return EvalFieldChain(dot, dot, field, field.Ident, cmd.Args, final);
            case ChainNode chain:
                return EvalChain(dot, chain, cmd.Args, final);
            case IdentifierNode id:
                return EvalFunction(dot, id, cmd, cmd.Args, final);
            case PipeNode pipe:
                NotAFunction(cmd.Args, final);
                return EvalPipeline(dot, pipe);
            case VariableNode variable:
                return EvalVariable(dot, variable, cmd.Args, final);
            default:
                break;
        }
        _node = first;
        NotAFunction(cmd.Args, final);
        return first switch
        {
            BoolNode b => b.Value,
            DotNode => dot,
            NilNode => throw Error("nil is not a command"),
            NumberNode n => n.Value,
            StringNode s => s.Text,
            _ => throw Error($"can't evaluate command {GoFormat.Quote(first.ToString()!)}"),
        };
    }

    void NotAFunction(List<Node> args, object? final)
    {
        if (args.Count > 1 || final != Missing)
        {
            throw Error($"can't give argument to non-function {args[0]}");
        }
    }

    object? EvalChain(object? dot, ChainNode chain, List<Node>? args, object? final)
    {
        _node = chain;
        var receiver = EvalArg(dot, chain.Node);
        return EvalFieldChain(dot, receiver, chain, [.. chain.Field], args, final);
    }

    object? EvalVariable(object? dot, VariableNode variable, List<Node>? args, object? final)
    {
        _node = variable;
        var value = VarValue(variable.Ident[0]);
        if (variable.Ident.Length == 1)
        {
            NotAFunction(args ?? [variable], final);
            return value;
        }
        return EvalFieldChain(dot, value, variable, variable.Ident[1..], args, final);
    }

    object? EvalFieldChain(object? dot, object? receiver, Node node, string[] ident, List<Node>? args, object? final)
    {
        var n = ident.Length;
        for (var i = 0; i < n - 1; i++)
        {
            receiver = EvalField(dot, ident[i], node, null, Missing, receiver);
        }
        return EvalField(dot, ident[n - 1], node, args, final, receiver);
    }

    object? EvalField(object? dot, string fieldName, Node node, List<Node>? args, object? final, object? receiver)
    {
        _node = node;
        if (receiver is null)
        {
            if (_set.MissingKey == MissingKey.Error)
            {
                throw Error($"nil data; no entry for key {GoFormat.Quote(fieldName)}");
            }
            return null;
        }
        var hasArgs = (args is not null && args.Count > 1) || final != Missing;
        if (receiver is ITemplateObject obj && obj.TryGetMember(fieldName, out var member))
        {
            if (member is TemplateFunction method)
            {
                return Call(dot, method, fieldName, node, args, final);
            }
            if (hasArgs)
            {
                throw Error($"{fieldName} has arguments but cannot be invoked as function");
            }
            return member;
        }
        switch (receiver)
        {
            case IReadOnlyDictionary<string, string> map:
                if (hasArgs)
                {
                    throw Error($"{fieldName} is not a method but has arguments");
                }
                if (map.TryGetValue(fieldName, out var s))
                {
                    return s;
                }
                return _set.MissingKey switch
                {
                    MissingKey.Zero => string.Empty,
                    MissingKey.Error => throw Error($"map has no entry for key {GoFormat.Quote(fieldName)}"),
                    _ => null,
                };
            case IReadOnlyDictionary<string, object?> map:
                if (hasArgs)
                {
                    throw Error($"{fieldName} is not a method but has arguments");
                }
                if (map.TryGetValue(fieldName, out var o))
                {
                    return o;
                }
                return _set.MissingKey == MissingKey.Error
                    ? throw Error($"map has no entry for key {GoFormat.Quote(fieldName)}")
                    : null;
            default:
                if (receiver is not ITemplateObject && ReflectionMembers.TryGet(receiver, fieldName, out var reflected))
                {
                    if (reflected is TemplateFunction reflectedMethod)
                    {
                        return Call(dot, reflectedMethod, fieldName, node, args, final);
                    }
                    if (hasArgs)
                    {
                        throw Error($"{fieldName} has arguments but cannot be invoked as function");
                    }
                    return reflected;
                }
                throw Error($"can't evaluate field {fieldName} in type {GoFormat.TypeName(receiver)}");
        }
    }

    object? EvalFunction(object? dot, IdentifierNode id, Node cmd, List<Node>? args, object? final)
    {
        _node = id;
        var name = id.Name;
        if (name is "and" or "or")
        {
            return EvalAndOr(dot, name == "and", args ?? [id], final);
        }
        if (name == "call")
        {
            var callArgs = EvaluateArgs(dot, args, final);
            if (callArgs.Count == 0)
            {
                throw Error("wrong number of args for call: want at least 1 got 0");
            }
            if (callArgs[0] is not TemplateFunction fn)
            {
                throw Error(callArgs[0] is null ? "error calling call: call of nil" : $"error calling call: non-function {args![1]} of type {GoFormat.TypeName(callArgs[0])}");
            }
            return Invoke(fn, callArgs.Skip(1).ToList(), "call", id, cmd);
        }
        if (!_set.TryGetFunction(name, out var function))
        {
            throw Error($"{GoFormat.Quote(name)} is not a defined function");
        }
        return Call(dot, function, name, cmd, args, final, id);
    }

    object? EvalAndOr(object? dot, bool isAnd, List<Node> args, object? final)
    {
        var name = isAnd ? "and" : "or";
        var count = args.Count - 1 + (final != Missing ? 1 : 0);
        if (count < 1)
        {
            throw Error($"wrong number of args for {name}: want at least 1 got 0");
        }
        object? value = null;
        for (var i = 1; i < args.Count; i++)
        {
            value = EvalArg(dot, args[i]);
            if (Values.IsTrue(value) != isAnd)
            {
                return value;
            }
        }
        if (final != Missing)
        {
            value = final;
        }
        return value;
    }

    List<object?> EvaluateArgs(object? dot, List<Node>? args, object? final, string? name = null, FunctionSignature? signature = null)
    {
        var count = (args is null ? 0 : args.Count - 1) + (final != Missing ? 1 : 0);
        if (signature?.CountError(name!, count) is { } countError)
        {
            throw Error(countError);
        }
        var values = new List<object?>();
        if (args is not null)
        {
            for (var i = 1; i < args.Count; i++)
            {
                var type = signature?.TypeAt(i - 1) ?? "any";
                if (type != "any" && args[i] is NumberNode or BoolNode or NilNode)
                {
                    // Go converts constants to the parameter type at parse-level precision and names the constant.
                    _node = args[i];
                    throw Error(args[i] is NilNode ? $"cannot assign nil to {type}"
                        : type == "string" ? $"expected {type}; found {args[i]}"
                        : $"can't handle {args[i]} for arg of type {type}");
                }
                var value = EvalArg(dot, args[i]);
                if (!FunctionSignature.Accepts(type, value))
                {
                    // Go reports at the last node it evaluated, which for a nested pipeline is inside it.
                    throw Error($"wrong type for value; expected {type}; got {GoFormat.TypeName(value)}");
                }
                values.Add(value);
            }
        }
        if (final != Missing)
        {
            var type = signature?.TypeAt(count - 1) ?? "any";
            if (!FunctionSignature.Accepts(type, final))
            {
                throw Error($"wrong type for value; expected {type}; got {GoFormat.TypeName(final)}");
            }
            values.Add(final);
        }
        return values;
    }

    // Go reports argument errors at the function's name and call errors at the whole command; after a successful
    // call the current node stays at the last argument evaluated, which later errors then name.
    object? Call(object? dot, TemplateFunction function, string name, Node node, List<Node>? args, object? final, Node? nameNode = null)
    {
        var signature = nameNode is IdentifierNode ? _set.SignatureOf(name) : null;
        var values = EvaluateArgs(dot, args, final, name, signature);
        return Invoke(function, values, name, nameNode ?? node, node);
    }

    object? Invoke(TemplateFunction function, List<object?> values, string displayName, Node? nameNode, Node? callNode)
    {
        try
        {
            return function(values);
        }
        catch (TemplateFunctionException e) when (e.IsArgumentError)
        {
            _node = nameNode ?? _node;
            throw Error(e.Message);
        }
        catch (TemplateException)
        {
            throw;
        }
        catch (Exception e) when (e is TemplateFunctionException or ArgumentException or FormatException or InvalidOperationException
            or IndexOutOfRangeException or OverflowException or System.Text.RegularExpressions.RegexParseException)
        {
            _node = callNode ?? _node;
            throw Error($"error calling {displayName}: {e.Message}");
        }
    }

    object? EvalArg(object? dot, Node n)
    {
        _node = n;
        return n switch
        {
            DotNode => dot,
            NilNode => null,
            FieldNode f => EvalFieldChain(dot, dot, f, f.Ident, [f], Missing),
            VariableNode v => EvalVariable(dot, v, null, Missing),
            PipeNode p => EvalPipeline(dot, p),
            IdentifierNode id => EvalFunction(dot, id, id, null, Missing),
            ChainNode c => EvalChain(dot, c, null, Missing),
            BoolNode b => b.Value,
            NumberNode num => num.Value,
            StringNode s => s.Text,
            _ => throw Error($"can't handle {n} for arg"),
        };
    }
}
