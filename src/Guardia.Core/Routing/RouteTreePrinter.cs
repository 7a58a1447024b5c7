using System.Text;
using Guardia.Core.Alerts;

namespace Guardia.Core.Routing;

/// <summary>Prints routing trees exactly as <c>amtool config routes</c> and <c>amtool config routes test --tree</c> print them.</summary>
public static class RouteTreePrinter
{
    const string Separator = "  ";

    /// <summary>The output of <c>amtool config routes</c>: a heading and the whole tree with continue flags and receivers.</summary>
    public static string PrintTree(Route root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var tree = new TreeNode(".");
        AddAll(root, tree);
        return "Routing tree:\n" + tree.Render() + "\n";
    }

    /// <summary>The <c>--tree</c> part of <c>amtool config routes test</c>: the matching branches, receivers only on the final routes.</summary>
    public static string PrintMatchingTree(Route root, LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(labels);
        var tree = new TreeNode(".");
        AddMatching(root, tree, labels);
        return "Matching routes:\n" + tree.Render() + "\n\n";
    }

    /// <summary>The receivers line of <c>amtool config routes test</c>: matched receivers joined by commas, in tree order.</summary>
    public static string ReceiversSlug(IReadOnlyList<Route> matched)
    {
        ArgumentNullException.ThrowIfNull(matched);
        var sb = new StringBuilder();
        for (var i = 0; i < matched.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            sb.Append(matched[i].Options.Receiver);
        }
        return sb.ToString();
    }

    static void AddAll(Route route, TreeNode parent)
    {
        var branch = parent.Add(Slug(route, showContinue: true, showReceiver: true));
        foreach (var child in route.Routes)
        {
            AddAll(child, branch);
        }
    }

    static void AddMatching(Route route, TreeNode parent, LabelSet labels)
    {
        var final = true;
        var branch = parent.Add(Slug(route, showContinue: false, showReceiver: false));
        foreach (var child in route.Routes)
        {
            if (child.Matchers.Matches(labels))
            {
                AddMatching(child, branch, labels);
                final = false;
                if (!child.Continue)
                {
                    break;
                }
            }
        }
        if (final)
        {
            branch.Value = Slug(route, showContinue: false, showReceiver: true);
        }
    }

    static string Slug(Route route, bool showContinue, bool showReceiver)
    {
        var sb = new StringBuilder(route.Matchers.Count == 0 ? "default-route" : route.Matchers.ToString());
        if (route.Continue && showContinue)
        {
            sb.Append(Separator).Append("continue: true");
        }
        if (showReceiver)
        {
            sb.Append(Separator).Append("receiver: ").Append(route.Options.Receiver);
        }
        return sb.ToString();
    }

    /// <summary>A minimal text tree drawn like the Go treeprint package amtool uses.</summary>
    sealed class TreeNode(string value)
    {
        readonly List<TreeNode> _children = [];

        public string Value { get; set; } = value;

        public TreeNode Add(string value)
        {
            var n = new TreeNode(value);
            _children.Add(n);
            return n;
        }

        public string Render()
        {
            var sb = new StringBuilder(Value).Append('\n');
            RenderChildren(sb, "");
            return sb.ToString();
        }

        void RenderChildren(StringBuilder sb, string prefix)
        {
            for (var i = 0; i < _children.Count; i++)
            {
                var last = i == _children.Count - 1;
                var child = _children[i];
                var lines = child.Value.Split('\n');
                sb.Append(prefix).Append(last ? "└── " : "├── ").Append(lines[0]).Append('\n');
                // treeprint draws the vertical link as "│", two no-break spaces and a space.
                var childPrefix = prefix + (last ? "    " : "│\u00A0\u00A0 ");
                for (var l = 1; l < lines.Length; l++)
                {
                    // treeprint continues a multi-line value under the edge, indented past it.
                    sb.Append(childPrefix).Append(lines[l]).Append('\n');
                }
                child.RenderChildren(sb, childPrefix);
            }
        }
    }
}
