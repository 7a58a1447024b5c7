using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Guardia.Core.Configuration;

/// <summary>Shared state of one load: the file name for positions and the warnings found so far.</summary>
sealed class LoadContext(string file)
{
    public string File { get; } = file;

    public List<ConfigWarning> Warnings { get; } = [];

    public int Routes { get; set; }

    public ConfigException Error(YamlNode? node, string message, string? hint = null) =>
        node is null
            ? new ConfigException(File, 0, 0, message, hint)
            : new ConfigException(File, (int)node.Start.Line, (int)node.Start.Column, message, hint);

    public void Warn(ConfigWarningKind kind, YamlNode node, string message) =>
        Warnings.Add(new ConfigWarning(kind, File, (int)node.Start.Line, (int)node.Start.Column, message));
}

/// <summary>Reads one YAML mapping strictly: unknown and duplicate keys are errors with a position and a hint.</summary>
sealed class YamlMap
{
    readonly LoadContext _ctx;
    readonly Dictionary<string, (YamlScalarNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);

    public YamlMap(LoadContext ctx, YamlNode node, string what, IReadOnlyList<string> known)
    {
        _ctx = ctx;
        Node = node;
        if (node is not YamlMappingNode mapping)
        {
            throw ctx.Error(node, $"{what} must be a mapping of fields, not {Describe(node)}");
        }
        foreach (var (k, v) in mapping.Children)
        {
            if (k is not YamlScalarNode key || key.Value is null)
            {
                throw ctx.Error(k, $"field names in {what} must be plain strings");
            }
            var name = key.Value;
            if (!known.Contains(name))
            {
                throw ctx.Error(key, $"unknown field \"{name}\"", Suggest(name, known));
            }
            if (!_entries.TryAdd(name, (key, v)))
            {
                throw ctx.Error(key, $"field \"{name}\" is already set in this {what}");
            }
        }
    }

    public YamlNode Node { get; }

    public LoadContext Context => _ctx;

    /// <summary>The value node of <paramref name="key"/>, or null when absent or YAML null.</summary>
    public YamlNode? Get(string key) => _entries.TryGetValue(key, out var e) && !IsNull(e.Value) ? e.Value : null;

    public YamlNode KeyNode(string key) => _entries[key].Key;

    public bool Has(string key) => Get(key) is not null;

    public string? String(string key)
    {
        var n = Get(key);
        return n is null ? null : ScalarText(n, key);
    }

    public string ScalarText(YamlNode n, string field)
    {
        if (n is not YamlScalarNode s)
        {
            throw _ctx.Error(n, $"\"{field}\" must be a string, not {Describe(n)}");
        }
        return s.Value ?? string.Empty;
    }

    public bool? Bool(string key)
    {
        var n = Get(key);
        if (n is null)
        {
            return null;
        }
        if (n is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } v })
        {
            switch (v)
            {
                case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "y" or "Y" or "on" or "On" or "ON":
                    return true;
                case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "n" or "N" or "off" or "Off" or "OFF":
                    return false;
            }
        }
        throw _ctx.Error(n, $"\"{key}\" must be true or false, not {Describe(n)}");
    }

    public int? Int(string key, int min = int.MinValue)
    {
        var n = Get(key);
        if (n is null)
        {
            return null;
        }
        if (n is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } v } && int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) && i >= min)
        {
            return i;
        }
        throw _ctx.Error(n, min >= 0 ? $"\"{key}\" must be a whole number of 0 or more, not {Describe(n)}" : $"\"{key}\" must be a whole number, not {Describe(n)}");
    }

    public TimeSpan? Duration(string key)
    {
        var n = Get(key);
        if (n is null)
        {
            return null;
        }
        var text = ScalarText(n, key);
        try
        {
            return PromDuration.Parse(text);
        }
        catch (FormatException ex)
        {
            throw _ctx.Error(n, ex.Message + $" in \"{key}\"", "durations look like 30s, 5m, 4h or 1h30m; units: ms, s, m, h, d, w, y");
        }
    }

    public IReadOnlyList<string>? StringList(string key)
    {
        var n = Get(key);
        if (n is null)
        {
            return null;
        }
        if (n is not YamlSequenceNode seq)
        {
            throw _ctx.Error(n, $"\"{key}\" must be a list, not {Describe(n)}", n is YamlScalarNode s ? $"write it as [{s.Value}]" : null);
        }
        var list = new List<string>(seq.Children.Count);
        foreach (var item in seq.Children)
        {
            list.Add(IsNull(item) ? string.Empty : ScalarText(item, key + " item"));
        }
        return list;
    }

    public IReadOnlyList<YamlNode> Items(string key)
    {
        var n = Get(key);
        if (n is null)
        {
            return [];
        }
        if (n is not YamlSequenceNode seq)
        {
            throw _ctx.Error(n, $"\"{key}\" must be a list, not {Describe(n)}", "start each entry with \"- \"");
        }
        return [.. seq.Children];
    }

    /// <summary>A string-to-string map in key order as written, with the value nodes for positions.</summary>
    public IReadOnlyList<(YamlScalarNode Key, string Value, YamlNode ValueNode)>? StringMap(string key)
    {
        var n = Get(key);
        if (n is null)
        {
            return null;
        }
        if (n is not YamlMappingNode map)
        {
            throw _ctx.Error(n, $"\"{key}\" must be a mapping of names to values, not {Describe(n)}");
        }
        var list = new List<(YamlScalarNode, string, YamlNode)>(map.Children.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            if (k is not YamlScalarNode ks || ks.Value is null)
            {
                throw _ctx.Error(k, $"keys of \"{key}\" must be strings");
            }
            if (!seen.Add(ks.Value))
            {
                throw _ctx.Error(k, $"key \"{ks.Value}\" is already set in \"{key}\"");
            }
            list.Add((ks, IsNull(v) ? string.Empty : ScalarText(v, key + "." + ks.Value), v));
        }
        return list;
    }

    public Secret? Secret(string key)
    {
        var n = Get(key);
        if (n is null)
        {
            return null;
        }
        var text = ScalarText(n, key);
        if (text.Length == 0)
        {
            return null;
        }
        if (Placeholders.IsPlaceholder(text))
        {
            _ctx.Warn(ConfigWarningKind.Placeholder, n, $"\"{key}\" is a placeholder ({text}); replace it with the real secret");
        }
        return new Secret(text);
    }

    /// <summary>Reads an http(s) URL; a placeholder such as <c>YOUR_SLACK_WEBHOOK</c> loads with a warning instead of failing.</summary>
    public string? Url(string key)
    {
        var n = Get(key);
        if (n is null)
        {
            return null;
        }
        var text = ScalarText(n, key);
        if (text.Length == 0)
        {
            return null;
        }
        var error = Placeholders.ValidateUrl(text);
        if (Placeholders.IsPlaceholder(text))
        {
            _ctx.Warn(ConfigWarningKind.Placeholder, n, $"\"{key}\" is a placeholder ({text}), not a real URL; notifications to it will fail until it is replaced"
                + (error is null ? string.Empty : $" (Alertmanager rejects it: {error})"));
            return text;
        }
        if (error is not null)
        {
            throw _ctx.Error(n, error + $" in \"{key}\"", "expected an absolute http:// or https:// URL such as https://hooks.slack.com/services/…");
        }
        return text;
    }

    public Secret? SecretUrl(string key)
    {
        var url = Url(key);
        return url is null ? null : new Secret(url);
    }

    /// <summary>The matchers of a <c>matchers:</c>-style list under <paramref name="key"/> (empty when absent); a bad one
    /// is an error at its own item.</summary>
    public Matching.Matchers MatcherList(string key)
    {
        var lines = StringList(key);
        if (lines is null)
        {
            return Matching.Matchers.Empty;
        }
        var items = Items(key);
        var all = new List<Matching.Matcher>();
        for (var i = 0; i < lines.Count; i++)
        {
            try
            {
                all.AddRange(Matching.MatcherParser.Parse(lines[i]));
            }
            catch (Matching.MatcherException ex)
            {
                throw _ctx.Error(items[i], ex.Message + $" in \"{key}\"", "matchers look like severity=\"critical\", env=~\"prod|staging\" or team!=\"\"");
            }
        }
        return Matching.Matchers.Sorted(all);
    }

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" } s && s.Tag.IsEmpty;

    public static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        YamlScalarNode s => $"\"{s.Value}\"",
        _ => "this value",
    };

    /// <summary>Suggests the nearest known field for a misspelt one.</summary>
    public static string? Suggest(string name, IReadOnlyList<string> known)
    {
        var normalized = name.ToLowerInvariant().Replace('-', '_');
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var k in known)
        {
            var d = k == normalized ? 0 : Levenshtein(normalized, k);
            if (d < bestDistance)
            {
                best = k;
                bestDistance = d;
            }
        }
        if (best is not null && bestDistance <= Math.Max(2, name.Length / 3))
        {
            return $"did you mean \"{best}\"?";
        }
        return known.Count == 0 ? null : "valid fields here: " + string.Join(", ", known);
    }

    /// <summary>Edit distance where swapping two neighbours ("gruop" for "group") counts as one edit.</summary>
    static int Levenshtein(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
