using System.Collections;
using System.Text;
using Guardia.Core.Alerts;

namespace Guardia.Core.Templating.Alertmanager;

/// <summary>A label or annotation map as templates see it (Alertmanager's <c>template.KV</c>), with <c>SortedPairs</c>, <c>Names</c>, <c>Values</c> and <c>Remove</c>.</summary>
public sealed class KV : IReadOnlyDictionary<string, string>, ITemplateObject
{
    readonly LabelSet _labels;

    /// <summary>Wraps a label set.</summary>
    public KV(LabelSet labels) => _labels = labels ?? LabelSet.Empty;

    /// <summary>An empty map.</summary>
    public static KV Empty { get; } = new(LabelSet.Empty);

    /// <summary>Builds a map from name/value tuples.</summary>
    public static KV Of(params (string Name, string Value)[] pairs) => new(LabelSet.Of(pairs));

    /// <summary>The pairs sorted by name, with <c>alertname</c> first as Alertmanager orders them.</summary>
    public Pairs SortedPairs()
    {
        var list = new List<Pair>(_labels.Count);
        if (_labels.TryGetValue(LabelNames.AlertName, out var alertName))
        {
            list.Add(new Pair(LabelNames.AlertName, alertName));
        }
        foreach (var kv in _labels)
        {
            if (kv.Key != LabelNames.AlertName)
            {
                list.Add(new Pair(kv.Key, kv.Value));
            }
        }
        return new Pairs(list);
    }

    /// <summary>A copy without the given names.</summary>
    public KV Remove(IEnumerable<string> names) => new(_labels.Without([.. names]));

    /// <summary>The names in <see cref="SortedPairs"/> order.</summary>
    public IReadOnlyList<string> Names() => SortedPairs().Names();

    /// <summary>The values in <see cref="SortedPairs"/> order.</summary>
    public IReadOnlyList<string> ValueList() => SortedPairs().Values();

    /// <inheritdoc/>
    public bool TryGetMember(string name, out object? value)
    {
        value = name switch
        {
            "SortedPairs" => (TemplateFunction)(args =>
            {
                TemplateArgs.Count(args, 0, "SortedPairs");
                return SortedPairs();
            }),
            "Names" => (TemplateFunction)(args =>
            {
                TemplateArgs.Count(args, 0, "Names");
                return Names();
            }),
            "Values" => (TemplateFunction)(args =>
            {
                TemplateArgs.Count(args, 0, "Values");
                return ValueList();
            }),
            "Remove" => (TemplateFunction)(args =>
            {
                TemplateArgs.Count(args, 1, "Remove");
                return Remove(TemplateArgs.GetStrings(args, 0));
            }),
            _ => null,
        };
        return value is not null;
    }

    /// <inheritdoc/>
    public string TemplateTypeName => "template.KV";

    /// <summary>Prints as Go prints a map: <c>map[a:1 b:2]</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("map[");
        var first = true;
        foreach (var kv in _labels)
        {
            if (!first)
            {
                sb.Append(' ');
            }
            first = false;
            sb.Append(kv.Key).Append(':').Append(kv.Value);
        }
        return sb.Append(']').ToString();
    }

    /// <inheritdoc/>
    public string this[string key] => _labels[key];

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _labels.Keys;

    /// <inheritdoc/>
    public IEnumerable<string> Values => _labels.Values;

    /// <inheritdoc/>
    public int Count => _labels.Count;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _labels.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, out string value) => _labels.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _labels.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>One name/value pair of <see cref="KV.SortedPairs"/>.</summary>
public sealed record Pair(string Name, string Value) : ITemplateObject
{
    /// <inheritdoc/>
    public bool TryGetMember(string name, out object? value)
    {
        value = name switch
        {
            "Name" => Name,
            "Value" => Value,
            _ => null,
        };
        return value is not null;
    }

    /// <inheritdoc/>
    public string TemplateTypeName => "template.Pair";

    /// <summary>Prints as Go prints the struct: <c>{name value}</c>.</summary>
    public override string ToString() => $"{{{Name} {Value}}}";
}

/// <summary>A sorted list of pairs with <c>Names</c> and <c>Values</c> (Alertmanager's <c>template.Pairs</c>).</summary>
public sealed class Pairs(IReadOnlyList<Pair> pairs) : IReadOnlyList<Pair>, ITemplateObject
{
    /// <summary>The names in order.</summary>
    public IReadOnlyList<string> Names() => [.. pairs.Select(p => p.Name)];

    /// <summary>The values in order.</summary>
    public IReadOnlyList<string> Values() => [.. pairs.Select(p => p.Value)];

    /// <inheritdoc/>
    public bool TryGetMember(string name, out object? value)
    {
        value = name switch
        {
            "Names" => (TemplateFunction)(args =>
            {
                TemplateArgs.Count(args, 0, "Names");
                return Names();
            }),
            "Values" => (TemplateFunction)(args =>
            {
                TemplateArgs.Count(args, 0, "Values");
                return Values();
            }),
            _ => null,
        };
        return value is not null;
    }

    /// <inheritdoc/>
    public string TemplateTypeName => "template.Pairs";

    /// <summary>Prints as Go prints the slice: <c>[{a 1} {b 2}]</c>.</summary>
    public override string ToString() => "[" + string.Join(' ', pairs) + "]";

    /// <inheritdoc/>
    public Pair this[int index] => pairs[index];

    /// <inheritdoc/>
    public int Count => pairs.Count;

    /// <inheritdoc/>
    public IEnumerator<Pair> GetEnumerator() => pairs.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
