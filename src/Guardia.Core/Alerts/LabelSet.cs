using System.Collections;
using System.Text;

namespace Guardia.Core.Alerts;

/// <summary>An immutable set of label name/value pairs, kept sorted by name in UTF-8 byte order.</summary>
/// <remarks>Names and values alternate in one array, which keeps an alert's labels in two objects.</remarks>
public sealed class LabelSet : IReadOnlyDictionary<string, string>, IEquatable<LabelSet>
{
    readonly string[] _pairs;
    ulong _fingerprint;
    bool _hasFingerprint;

    /// <summary>The empty label set.</summary>
    public static LabelSet Empty { get; } = new([]);

    LabelSet(string[] pairs) => _pairs = pairs;

    /// <summary>Builds a set from pairs; a later duplicate name replaces an earlier one.</summary>
    public static LabelSet From(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var list = new List<KeyValuePair<string, string>>(pairs);
        return FromList(list);
    }

    /// <summary>Builds a set from name/value tuples.</summary>
    public static LabelSet Of(params (string Name, string Value)[] pairs)
    {
        var list = new List<KeyValuePair<string, string>>(pairs.Length);
        foreach (var (n, v) in pairs)
        {
            list.Add(new(n, v));
        }
        return FromList(list);
    }

    static LabelSet FromList(List<KeyValuePair<string, string>> list)
    {
        if (list.Count == 0)
        {
            return Empty;
        }
        // Stable sort keeps the input order among equal names, so "last one wins" below is well defined.
        var indexed = new (KeyValuePair<string, string> Pair, int Index)[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            indexed[i] = (list[i], i);
        }
        Array.Sort(indexed, static (a, b) =>
        {
            var c = LabelNames.CompareUtf8(a.Pair.Key, b.Pair.Key);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });
        var result = new List<string>(indexed.Length * 2);
        for (var i = 0; i < indexed.Length; i++)
        {
            if (i + 1 < indexed.Length && indexed[i + 1].Pair.Key == indexed[i].Pair.Key)
            {
                continue;
            }
            result.Add(indexed[i].Pair.Key);
            result.Add(indexed[i].Pair.Value);
        }
        return new LabelSet([.. result]);
    }

    /// <summary>Builds a set from <paramref name="count"/> name/value pairs laid out alternately in
    /// <paramref name="scratch"/>, in arrival order; a later duplicate name wins. Sorts the scratch in place.</summary>
    /// <remarks>The ingest path: an insertion sort (label sets are small) and exactly one allocation, the
    /// set's own array.</remarks>
    public static LabelSet FromPairs(Span<string> scratch, int count)
    {
        if (count == 0)
        {
            return Empty;
        }
        // Stable insertion sort by name: among equal names the arrival order is kept, so the last one wins below.
        for (var i = 1; i < count; i++)
        {
            var name = scratch[i * 2];
            var value = scratch[(i * 2) + 1];
            var j = i - 1;
            while (j >= 0 && LabelNames.CompareUtf8(scratch[j * 2], name) > 0)
            {
                scratch[(j + 1) * 2] = scratch[j * 2];
                scratch[((j + 1) * 2) + 1] = scratch[(j * 2) + 1];
                j--;
            }
            scratch[(j + 1) * 2] = name;
            scratch[((j + 1) * 2) + 1] = value;
        }
        var unique = count;
        for (var i = 1; i < count; i++)
        {
            if (string.Equals(scratch[i * 2], scratch[(i - 1) * 2], StringComparison.Ordinal))
            {
                unique--;
            }
        }
        var result = new string[unique * 2];
        var k = 0;
        for (var i = 0; i < count; i++)
        {
            if (i + 1 < count && string.Equals(scratch[(i + 1) * 2], scratch[i * 2], StringComparison.Ordinal))
            {
                continue;
            }
            result[k++] = scratch[i * 2];
            result[k++] = scratch[(i * 2) + 1];
        }
        return new LabelSet(result);
    }

    /// <summary>Wraps an array of alternating names and values that is already sorted and free of duplicates.</summary>
    public static LabelSet FromSortedPairs(string[] pairs) => pairs.Length == 0 ? Empty : new LabelSet(pairs);

    /// <summary>The number of labels.</summary>
    public int Count => _pairs.Length / 2;

    /// <summary>The name of the label at <paramref name="index"/> in sorted order.</summary>
    public string NameAt(int index) => _pairs[index * 2];

    /// <summary>The value of the label at <paramref name="index"/> in sorted order.</summary>
    public string ValueAt(int index) => _pairs[(index * 2) + 1];

    /// <summary>Returns the value of <paramref name="name"/>, or the empty string when absent (Prometheus semantics).</summary>
    public string Get(string name) => TryGetValue(name, out var v) ? v : string.Empty;

    /// <inheritdoc/>
    public string this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, out string value)
    {
        int lo = 0, hi = Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = LabelNames.CompareUtf8(_pairs[mid * 2], key);
            if (c == 0)
            {
                value = _pairs[(mid * 2) + 1];
                return true;
            }
            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        value = string.Empty;
        return false;
    }

    /// <inheritdoc/>
    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <inheritdoc/>
    public IEnumerable<string> Keys
    {
        get
        {
            for (var i = 0; i < _pairs.Length; i += 2)
            {
                yield return _pairs[i];
            }
        }
    }

    /// <inheritdoc/>
    public IEnumerable<string> Values
    {
        get
        {
            for (var i = 1; i < _pairs.Length; i += 2)
            {
                yield return _pairs[i];
            }
        }
    }

    /// <summary>Returns a copy with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public LabelSet With(string name, string value)
    {
        var list = new List<KeyValuePair<string, string>>(this) { new(name, value) };
        return FromList(list);
    }

    /// <summary>Returns a copy without the given names.</summary>
    public LabelSet Without(params string[] names)
    {
        var list = new List<KeyValuePair<string, string>>(Count);
        foreach (var kv in this)
        {
            if (Array.IndexOf(names, kv.Key) < 0)
            {
                list.Add(kv);
            }
        }
        return FromList(list);
    }

    /// <summary>Returns a copy that keeps only labels whose value is not empty (Alertmanager drops empty labels on ingest).</summary>
    public LabelSet WithoutEmptyValues()
    {
        var empty = 0;
        for (var i = 1; i < _pairs.Length; i += 2)
        {
            if (_pairs[i].Length == 0)
            {
                empty++;
            }
        }
        if (empty == 0)
        {
            return this;
        }
        var kept = new string[_pairs.Length - (empty * 2)];
        var k = 0;
        for (var i = 0; i < _pairs.Length; i += 2)
        {
            if (_pairs[i + 1].Length != 0)
            {
                kept[k++] = _pairs[i];
                kept[k++] = _pairs[i + 1];
            }
        }
        return FromSortedPairs(kept);
    }

    /// <summary>Prometheus's <c>LabelSet.Before</c>: fewer labels first, then the first differing label in name order.</summary>
    public bool Before(LabelSet other)
    {
        if (Count != other.Count)
        {
            return Count < other.Count;
        }
        var names = new List<string>(Count * 2);
        names.AddRange(Keys);
        names.AddRange(other.Keys);
        names.Sort(LabelNames.CompareUtf8);
        foreach (var name in names)
        {
            if (!TryGetValue(name, out var mine))
            {
                return true;
            }
            if (!other.TryGetValue(name, out var theirs))
            {
                return false;
            }
            var c = LabelNames.CompareUtf8(mine, theirs);
            if (c != 0)
            {
                return c < 0;
            }
        }
        return false;
    }

    /// <summary>The Prometheus fingerprint: FNV-1a 64 over sorted name, 0xFF, value, 0xFF, in UTF-8.</summary>
    public Fingerprint Fingerprint
    {
        get
        {
            if (!_hasFingerprint)
            {
                _fingerprint = ComputeFingerprint(_pairs);
                _hasFingerprint = true;
            }
            return new Fingerprint(_fingerprint);
        }
    }

    const ulong FnvOffset = 14695981039346656037UL;
    const ulong FnvPrime = 1099511628211UL;

    static ulong ComputeFingerprint(string[] pairs)
    {
        var hash = FnvOffset;
        Span<byte> buffer = stackalloc byte[256];
        foreach (var s in pairs)
        {
            var max = Encoding.UTF8.GetMaxByteCount(s.Length);
            var bytes = max <= buffer.Length ? buffer : new byte[max];
            var n = Encoding.UTF8.GetBytes(s, bytes);
            for (var i = 0; i < n; i++)
            {
                hash ^= bytes[i];
                hash *= FnvPrime;
            }
            hash ^= 0xFF;
            hash *= FnvPrime;
        }
        return hash;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < _pairs.Length; i += 2)
        {
            yield return new(_pairs[i], _pairs[i + 1]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(LabelSet? other)
    {
        if (other is null || other._pairs.Length != _pairs.Length)
        {
            return false;
        }
        for (var i = 0; i < _pairs.Length; i++)
        {
            if (!string.Equals(_pairs[i], other._pairs[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is LabelSet other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Fingerprint.Value.GetHashCode();

    /// <summary>Formats as Prometheus does: <c>{a="1", b="2"}</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("{");
        for (var i = 0; i < _pairs.Length; i += 2)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            sb.Append(_pairs[i]).Append("=\"").Append(_pairs[i + 1].Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('"');
        }
        return sb.Append('}').ToString();
    }
}
