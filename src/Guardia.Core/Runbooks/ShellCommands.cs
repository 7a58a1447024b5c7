using System.Text.RegularExpressions;

namespace Guardia.Core.Runbooks;

/// <summary>One command of a shell block, with the comment lines above it.</summary>
/// <param name="Comment">The comment lines right above the command (without <c>#</c>), or empty.</param>
/// <param name="Text">The command's lines, including continuations, heredocs and loop bodies.</param>
/// <param name="Line">The 0-based line of the command's first line in the block.</param>
public sealed record ShellCommand(string Comment, string Text, int Line);

/// <summary>Splits a shell block into commands: <c>\</c> continuations, trailing <c>&amp;&amp;</c>/<c>||</c>/<c>|</c>,
/// open quotes, heredocs and <c>if</c>/<c>for</c>/<c>while</c>/<c>case</c>/<c>{ }</c> bodies stay together.</summary>
public static partial class ShellCommands
{
    static readonly string[] Openers = ["if", "for", "while", "until", "case", "{", "select"];
    static readonly string[] Closers = ["fi", "done", "esac", "}"];

    /// <summary>Splits <paramref name="body"/> into commands; comment-only lines become the next command's comment.</summary>
    public static IReadOnlyList<ShellCommand> Split(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var lines = body.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var result = new List<ShellCommand>();
        var comments = new List<string>();
        List<string>? current = null;
        var start = 0;
        var state = new ScanState();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (current is null)
            {
                var trimmed = line.Trim();
                if (trimmed.Length == 0)
                {
                    continue;
                }
                if (trimmed.StartsWith('#'))
                {
                    comments.Add(trimmed.TrimStart('#').Trim());
                    continue;
                }
                current = [];
                start = i;
            }
            current.Add(line);
            Scan(line, state);
            if (state.Complete)
            {
                result.Add(new ShellCommand(string.Join(" / ", comments.Where(c => c.Length > 0)), string.Join('\n', current), start));
                comments.Clear();
                current = null;
                state = new ScanState();
            }
        }
        if (current is not null)
        {
            result.Add(new ShellCommand(string.Join(" / ", comments.Where(c => c.Length > 0)), string.Join('\n', current).TrimEnd(), start));
        }
        return result;
    }

    /// <summary>Whether the block only works as one script: a shebang, variables set and used later, or a <c>cd</c>.</summary>
    public static bool IsScript(string body, IReadOnlyList<ShellCommand> commands)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(commands);
        return body.TrimStart().StartsWith("#!", StringComparison.Ordinal)
            || commands.Any(c => ScriptCommandRegex().IsMatch(c.Text.Split('\n')[0]));
    }

    /// <summary>The names a block assigns (<c>NAME=...</c>, <c>read NAME</c>, <c>for NAME in</c>).</summary>
    public static IReadOnlySet<string> AssignedNames(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in AssignmentRegex().Matches(body))
        {
            var g = m.Groups[1].Success ? m.Groups[1] : m.Groups[2].Success ? m.Groups[2] : m.Groups[3];
            set.Add(g.Value);
        }
        return set;
    }

    sealed class ScanState
    {
        public char Quote { get; set; }

        public string? Heredoc { get; set; }

        public int Depth { get; set; }

        public bool Continues { get; set; }

        public bool Complete => Quote == '\0' && Heredoc is null && Depth <= 0 && !Continues;
    }

    static void Scan(string line, ScanState st)
    {
        if (st.Heredoc is not null)
        {
            if (line.Trim() == st.Heredoc)
            {
                st.Heredoc = null;
            }
            return;
        }
        var code = new System.Text.StringBuilder();
        var word = new System.Text.StringBuilder();
        var commandPosition = true;
        void EndWord()
        {
            if (word.Length == 0)
            {
                return;
            }
            var w = word.ToString();
            if (commandPosition && Openers.Contains(w))
            {
                st.Depth++;
            }
            else if (commandPosition && Closers.Contains(w))
            {
                st.Depth--;
            }
            commandPosition = w is "then" or "do" or "else" or "elif" or "{" or "!" or "time";
            word.Clear();
        }
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (st.Quote == '\'')
            {
                if (c == '\'')
                {
                    st.Quote = '\0';
                }
                continue;
            }
            if (st.Quote == '"')
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    st.Quote = '\0';
                }
                continue;
            }
            if (c == '\\')
            {
                i++;
                word.Append('x');
                continue;
            }
            if (c is '\'' or '"')
            {
                st.Quote = c;
                word.Append('x');
                continue;
            }
            if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                break; // a trailing comment
            }
            if (c == '<' && i + 1 < line.Length && line[i + 1] == '<' && (i + 2 >= line.Length || line[i + 2] != '<'))
            {
                var m = HeredocRegex().Match(line, i);
                if (m.Success && m.Index == i)
                {
                    st.Heredoc = m.Groups[1].Value;
                    i = m.Index + m.Length - 1;
                    continue;
                }
            }
            code.Append(c);
            if (char.IsWhiteSpace(c))
            {
                EndWord();
            }
            else if (c is ';' or '&' or '|' or '(' or ')')
            {
                EndWord();
                commandPosition = true;
            }
            else
            {
                word.Append(c);
            }
        }
        EndWord();
        var rest = code.ToString().TrimEnd();
        st.Continues = line.TrimEnd().EndsWith('\\') && st.Quote == '\0'
            || rest.EndsWith("&&", StringComparison.Ordinal)
            || rest.EndsWith("||", StringComparison.Ordinal)
            || rest.EndsWith('|');
    }

    [GeneratedRegex(@"<<-?\s*['""]?([A-Za-z_][A-Za-z0-9_]*)['""]?")]
    private static partial Regex HeredocRegex();

    [GeneratedRegex(@"^\s*(?:export\s+|local\s+)?[A-Za-z_][A-Za-z0-9_]*=|^\s*cd\s|^\s*(?:source|\.)\s")]
    private static partial Regex ScriptCommandRegex();

    [GeneratedRegex(@"(?:^|[\s;])(?:export\s+|local\s+)?([A-Za-z_][A-Za-z0-9_]*)=|\bread\s+(?:-\S+\s+)*([A-Za-z_][A-Za-z0-9_]*)|\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b", RegexOptions.Multiline)]
    private static partial Regex AssignmentRegex();
}
