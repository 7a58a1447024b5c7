using System.Text;

namespace Guardia.Core.Templating.Internal;

/// <summary>A node of a parsed template; positions are character offsets into the parsed text.</summary>
abstract class Node(int pos)
{
    public int Pos { get; } = pos;
}

sealed class ListNode(int pos) : Node(pos)
{
    public List<Node> Nodes { get; } = [];

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var n in Nodes)
        {
            sb.Append(n);
        }
        return sb.ToString();
    }
}

sealed class TextNode(int pos, string text) : Node(pos)
{
    public string Text { get; } = text;

    public override string ToString() => GoFormat.Quote(Text);
}

sealed class ActionNode(int pos, int line, PipeNode pipe) : Node(pos)
{
    public int Line { get; } = line;

    public PipeNode Pipe { get; } = pipe;

    public override string ToString() => $"{{{{{Pipe}}}}}";
}

sealed class PipeNode(int pos, int line) : Node(pos)
{
    public int Line { get; } = line;

    public bool IsAssign { get; set; }

    public List<VariableNode> Decl { get; } = [];

    public List<CommandNode> Cmds { get; } = [];

    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Decl.Count > 0)
        {
            sb.Append(string.Join(", ", Decl)).Append(IsAssign ? " = " : " := ");
        }
        sb.Append(string.Join(" | ", Cmds));
        return sb.ToString();
    }
}

sealed class CommandNode(int pos) : Node(pos)
{
    public List<Node> Args { get; } = [];

    public override string ToString()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < Args.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }
            sb.Append(Args[i] is PipeNode p ? $"({p})" : Args[i].ToString());
        }
        return sb.ToString();
    }
}

sealed class IdentifierNode(int pos, string name) : Node(pos)
{
    public string Name { get; } = name;

    public override string ToString() => Name;
}

sealed class VariableNode(int pos, string[] ident) : Node(pos)
{
    public string[] Ident { get; } = ident;

    public override string ToString() => string.Join('.', Ident);
}

sealed class DotNode(int pos) : Node(pos)
{
    public override string ToString() => ".";
}

sealed class NilNode(int pos) : Node(pos)
{
    public override string ToString() => "nil";
}

sealed class FieldNode(int pos, string[] ident) : Node(pos)
{
    public string[] Ident { get; } = ident;

    public override string ToString() => "." + string.Join('.', Ident);
}

sealed class ChainNode(int pos, Node node) : Node(pos)
{
    public Node Node { get; } = node;

    public List<string> Field { get; } = [];

    public override string ToString()
    {
        var s = Node is PipeNode p ? $"({p})" : Node.ToString();
        return s + "." + string.Join('.', Field);
    }
}

sealed class BoolNode(int pos, bool value) : Node(pos)
{
    public bool Value { get; } = value;

    public override string ToString() => Value ? "true" : "false";
}

sealed class NumberNode(int pos, string text, object value) : Node(pos)
{
    public string Text { get; } = text;

    /// <summary>A long (Go int) or a double (Go float64).</summary>
    public object Value { get; } = value;

    public override string ToString() => Text;
}

sealed class StringNode(int pos, string quoted, string text) : Node(pos)
{
    public string Quoted { get; } = quoted;

    public string Text { get; } = text;

    public override string ToString() => Quoted;
}

sealed class EndNode(int pos) : Node(pos)
{
    public override string ToString() => "{{end}}";
}

sealed class ElseNode(int pos, int line) : Node(pos)
{
    public int Line { get; } = line;

    public override string ToString() => "{{else}}";
}

enum BranchKind
{
    If,
    Range,
    With,
}

sealed class BranchNode(int pos, int line, BranchKind kind, PipeNode pipe, ListNode list, ListNode? elseList) : Node(pos)
{
    public int Line { get; } = line;

    public BranchKind Kind { get; } = kind;

    public PipeNode Pipe { get; } = pipe;

    public ListNode List { get; } = list;

    public ListNode? ElseList { get; } = elseList;

    public override string ToString()
    {
        var name = Kind switch { BranchKind.If => "if", BranchKind.Range => "range", _ => "with" };
        return ElseList is null
            ? $"{{{{{name} {Pipe}}}}}{List}{{{{end}}}}"
            : $"{{{{{name} {Pipe}}}}}{List}{{{{else}}}}{ElseList}{{{{end}}}}";
    }
}

sealed class TemplateNode(int pos, int line, string name, PipeNode? pipe) : Node(pos)
{
    public int Line { get; } = line;

    public string Name { get; } = name;

    public PipeNode? Pipe { get; } = pipe;

    public override string ToString() => Pipe is null
        ? $"{{{{template {GoFormat.Quote(Name)}}}}}"
        : $"{{{{template {GoFormat.Quote(Name)} {Pipe}}}}}";
}

sealed class BreakNode(int pos, int line) : Node(pos)
{
    public int Line { get; } = line;

    public override string ToString() => "{{break}}";
}

sealed class ContinueNode(int pos, int line) : Node(pos)
{
    public int Line { get; } = line;

    public override string ToString() => "{{continue}}";
}

/// <summary>One named template: its root list and the text it was parsed from (for error positions).</summary>
sealed class Tree(string name, string parseName, string text, ListNode root)
{
    public string Name { get; } = name;

    public string ParseName { get; } = parseName;

    public string Text { get; } = text;

    public ListNode Root { get; } = root;

    /// <summary>True when the tree holds only whitespace text, which Go treats as "no definition".</summary>
    public bool IsEmpty
    {
        get
        {
            foreach (var n in Root.Nodes)
            {
                if (n is not TextNode t || !string.IsNullOrWhiteSpace(t.Text))
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>Returns Go's "name:line:col" location of <paramref name="pos"/> (column counted from 0, as Go does).</summary>
    public (int Line, int Column) Position(int pos)
    {
        pos = Math.Clamp(pos, 0, Text.Length);
        var line = 1;
        var lastNewline = -1;
        for (var i = 0; i < pos; i++)
        {
            if (Text[i] == '\n')
            {
                line++;
                lastNewline = i;
            }
        }
        return (line, lastNewline < 0 ? pos : pos - (lastNewline + 1));
    }
}
