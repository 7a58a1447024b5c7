using System.Text;
using Guardia.Core.Templating.Internal;

namespace Guardia.Core.Templating;

/// <summary>A set of named Go text/template templates sharing functions, like Go's <c>*template.Template</c> and its associates.</summary>
/// <remarks>Parse first, then execute; executing does not change the set, so one set may be executed from many threads.</remarks>
public sealed class TemplateSet
{
    readonly Dictionary<string, Tree> _trees = new(StringComparer.Ordinal);
    readonly Dictionary<string, TemplateFunction> _functions = new(StringComparer.Ordinal);
    readonly Dictionary<string, FunctionSignature> _signatures = new(StringComparer.Ordinal);

    /// <summary>How a missing map key evaluates; Go's default is <see cref="MissingKey.Default"/>.</summary>
    public MissingKey MissingKey { get; set; }

    /// <summary>The names of every template defined in the set, sorted.</summary>
    public IReadOnlyList<string> TemplateNames => [.. _trees.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Adds functions (Go's <c>Funcs</c>); call before parsing text that uses them. Later additions replace earlier ones.</summary>
    /// <param name="functions">The functions by name.</param>
    /// <param name="signatures">Optional parameter types by function name; with them errors name the argument Go would name.</param>
    public TemplateSet AddFunctions(IEnumerable<KeyValuePair<string, TemplateFunction>> functions, IReadOnlyDictionary<string, FunctionSignature>? signatures = null)
    {
        ArgumentNullException.ThrowIfNull(functions);
        foreach (var (name, fn) in functions)
        {
            _functions[name] = fn;
            _signatures.Remove(name);
        }
        foreach (var (name, signature) in signatures ?? new Dictionary<string, FunctionSignature>())
        {
            _signatures[name] = signature;
        }
        return this;
    }

    /// <summary>Parses <paramref name="text"/> as the template <paramref name="name"/>, adding every <c>define</c> and <c>block</c> it contains.</summary>
    /// <remarks>As in Go, a later definition replaces an earlier one, except that an empty (whitespace-only) body never replaces a real one.</remarks>
    /// <exception cref="TemplateException">The text does not parse.</exception>
    public TemplateSet Parse(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(text);
        var trees = Parser.Parse(name, text, HasFunction);
        foreach (var tree in trees)
        {
            if (_trees.TryGetValue(tree.Name, out var old) && tree.IsEmpty && !old.IsEmpty)
            {
                continue;
            }
            _trees[tree.Name] = tree;
        }
        return this;
    }

    /// <summary>Returns true when a template named <paramref name="name"/> is defined.</summary>
    public bool HasTemplate(string name) => _trees.ContainsKey(name);

    /// <summary>Returns a copy sharing the parsed trees; parsing into the copy leaves this set unchanged.</summary>
    public TemplateSet Clone()
    {
        var copy = new TemplateSet { MissingKey = MissingKey };
        foreach (var (k, v) in _trees)
        {
            copy._trees[k] = v;
        }
        foreach (var (k, v) in _functions)
        {
            copy._functions[k] = v;
        }
        foreach (var (k, v) in _signatures)
        {
            copy._signatures[k] = v;
        }
        return copy;
    }

    /// <summary>Executes the template <paramref name="name"/> with <paramref name="data"/> as dot and returns the output.</summary>
    /// <param name="name">The template to run.</param>
    /// <param name="data">The value of dot and <c>$</c>.</param>
    /// <param name="html">True to escape every printed value for HTML and drop HTML comments from the template text,
    /// approximating Go's html/template for text and quoted-attribute contexts.</param>
    /// <exception cref="TemplateException">The template is not defined or execution fails.</exception>
    public string Execute(string name, object? data, bool html = false)
    {
        if (!_trees.TryGetValue(name, out var tree))
        {
            throw new TemplateException($"template: no template {GoFormat.Quote(name)} associated with template {GoFormat.Quote(name)}", name, 0, 0);
        }
        var sb = new StringBuilder();
        new Executor(this, tree, sb, html).Execute(data);
        return sb.ToString();
    }

    internal bool TryGetTree(string name, out Tree tree) => _trees.TryGetValue(name, out tree!);

    internal bool TryGetFunction(string name, out TemplateFunction function) =>
        _functions.TryGetValue(name, out function!) || Builtins.Functions.TryGetValue(name, out function!);

    internal FunctionSignature? SignatureOf(string name) =>
        _signatures.TryGetValue(name, out var s) ? s : _functions.ContainsKey(name) ? null : Builtins.Signatures.GetValueOrDefault(name);

    bool HasFunction(string name) =>
        _functions.ContainsKey(name) || Builtins.Functions.ContainsKey(name) || Builtins.Special.Contains(name);

    /// <summary>Removes <c>&lt;!-- ... --&gt;</c> comments from template text, as html/template does.</summary>
    internal static string StripHtmlComments(string text)
    {
        var start = text.IndexOf("<!--", StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }
        var sb = new StringBuilder();
        var pos = 0;
        while (start >= 0)
        {
            sb.Append(text, pos, start - pos);
            var end = text.IndexOf("-->", start + 4, StringComparison.Ordinal);
            if (end < 0)
            {
                return sb.ToString();
            }
            pos = end + 3;
            start = text.IndexOf("<!--", pos, StringComparison.Ordinal);
        }
        sb.Append(text, pos, text.Length - pos);
        return sb.ToString();
    }
}
