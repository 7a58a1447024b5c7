using System.Collections;
using System.Text;
using Guardia.Core.Alerts;

namespace Guardia.Core.Matching;

/// <summary>An immutable list of matchers that all have to match; the empty list matches every label set.</summary>
public sealed class Matchers : IReadOnlyList<Matcher>, IEquatable<Matchers>
{
    readonly Matcher[] _items;

    /// <summary>The empty list.</summary>
    public static Matchers Empty { get; } = new([]);

    Matchers(Matcher[] items) => _items = items;

    /// <summary>Creates a list keeping the given order.</summary>
    public static Matchers Of(IEnumerable<Matcher> matchers) => new([.. matchers]);

    /// <summary>Creates a list sorted as Alertmanager sorts a route's or rule's matchers (name, value, type).</summary>
    public static Matchers Sorted(IEnumerable<Matcher> matchers)
    {
        var items = matchers.ToArray();
        // Alertmanager uses an unstable sort; equal keys are indistinguishable when printed, so order among them is moot.
        Array.Sort(items, Matcher.Compare);
        return items.Length == 0 ? Empty : new Matchers(items);
    }

    /// <inheritdoc/>
    public Matcher this[int index] => _items[index];

    /// <inheritdoc/>
    public int Count => _items.Length;

    /// <summary>Returns whether every matcher matches; an absent label is matched as the empty value.</summary>
    public bool Matches(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var m in _items)
        {
            if (!m.Matches(labels.Get(m.Name)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Formats as Alertmanager does: <c>{a="1",b=~"2"}</c> (comma without space).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("{");
        for (var i = 0; i < _items.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            _items[i].AppendTo(sb);
        }
        return sb.Append('}').ToString();
    }

    /// <inheritdoc/>
    public IEnumerator<Matcher> GetEnumerator() => ((IEnumerable<Matcher>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(Matchers? other) => other is not null && _items.AsSpan().SequenceEqual(other._items);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Matchers m && Equals(m);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = default(HashCode);
        foreach (var m in _items)
        {
            h.Add(m);
        }
        return h.ToHashCode();
    }
}
