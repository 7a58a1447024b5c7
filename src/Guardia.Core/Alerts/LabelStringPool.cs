using System.Collections.Concurrent;

namespace Guardia.Core.Alerts;

/// <summary>Shares one string instance among equal label names, and among equal values of low-cardinality
/// labels, so that a hundred thousand alerts with <c>job="node"</c> hold one <c>"node"</c>.</summary>
/// <remarks>Each label name keeps its own small value pool. A name whose pool overflows (instance, id,
/// summary...) is marked high-cardinality and its values are no longer pooled: looking them up would
/// cost time and the pool would only hold strings that are never shared.</remarks>
public sealed class LabelStringPool
{
    readonly int _maxNames;
    readonly int _maxValuesPerName;
    readonly int _maxLength;
    readonly ConcurrentDictionary<string, ValuePool> _names = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, ValuePool>.AlternateLookup<ReadOnlySpan<char>> _nameLookup;
    int _nameCount;

    /// <summary>The values seen for one label name.</summary>
    public sealed class ValuePool
    {
        readonly ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);
        readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        int _count;
        volatile bool _highCardinality;

        internal ValuePool(string name)
        {
            Name = name;
            _lookup = _values.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        /// <summary>The pooled label name.</summary>
        public string Name { get; }

        /// <summary>True once the name has shown more distinct values than the pool keeps.</summary>
        public bool IsHighCardinality => _highCardinality;

        internal string Get(ReadOnlySpan<char> value, int maxValues, int maxLength)
        {
            if (value.Length == 0)
            {
                return string.Empty;
            }
            if (_highCardinality || value.Length > maxLength)
            {
                return new string(value);
            }
            if (_lookup.TryGetValue(value, out var existing))
            {
                return existing;
            }
            var s = new string(value);
            if (Interlocked.Increment(ref _count) > maxValues)
            {
                _highCardinality = true;
                _values.Clear();
                return s;
            }
            return _values.GetOrAdd(s, s);
        }
    }

    /// <summary>Creates a pool; <paramref name="maxValuesPerName"/> distinct values make a name high-cardinality.</summary>
    public LabelStringPool(int maxNames = 4096, int maxValuesPerName = 512, int maxLength = 256)
    {
        _maxNames = maxNames;
        _maxValuesPerName = maxValuesPerName;
        _maxLength = maxLength;
        _nameLookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The process-wide pool.</summary>
    public static LabelStringPool Shared { get; } = new();

    /// <summary>Returns the value pool of a label name, creating it on first sight (while names are bounded).</summary>
    public ValuePool? ForName(ReadOnlySpan<char> name)
    {
        if (_nameLookup.TryGetValue(name, out var pool))
        {
            return pool;
        }
        if (name.Length > _maxLength || Volatile.Read(ref _nameCount) >= _maxNames)
        {
            return null;
        }
        var created = new ValuePool(new string(name));
        var winner = _names.GetOrAdd(created.Name, created);
        if (ReferenceEquals(winner, created))
        {
            Interlocked.Increment(ref _nameCount);
        }
        return winner;
    }

    /// <summary>Returns the pooled form of a label name.</summary>
    public string Name(ReadOnlySpan<char> name) => ForName(name)?.Name ?? new string(name);

    /// <summary>Returns the pooled form of a value of <paramref name="name"/>.</summary>
    public string Value(ValuePool? name, ReadOnlySpan<char> value) =>
        name is null ? (value.Length == 0 ? string.Empty : new string(value)) : name.Get(value, _maxValuesPerName, _maxLength);
}
