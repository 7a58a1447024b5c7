using System.Collections.Concurrent;

namespace Guardia.Core.Alerts;

/// <summary>Shares one string instance among equal label names and values, so that a hundred thousand alerts
/// with <c>job="node"</c> hold one <c>"node"</c>.</summary>
/// <remarks>The pool is bounded: when full it starts over, so high-cardinality values (instance, id) cannot
/// grow it without limit while frequent values are re-added on their next sighting.</remarks>
public sealed class LabelStringPool
{
    readonly int _capacity;
    readonly int _maxLength;
    ConcurrentDictionary<string, string> _pool;

    /// <summary>Creates a pool holding at most <paramref name="capacity"/> strings of at most <paramref name="maxLength"/> chars.</summary>
    public LabelStringPool(int capacity = 16384, int maxLength = 128)
    {
        _capacity = capacity;
        _maxLength = maxLength;
        _pool = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>The process-wide pool.</summary>
    public static LabelStringPool Shared { get; } = new();

    /// <summary>Returns the pooled string equal to <paramref name="chars"/>, allocating only on first sight.</summary>
    public string Get(ReadOnlySpan<char> chars)
    {
        if (chars.Length == 0)
        {
            return string.Empty;
        }
        if (chars.Length > _maxLength)
        {
            return new string(chars);
        }
        var pool = _pool;
        var lookup = pool.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars, out var existing))
        {
            return existing;
        }
        var s = new string(chars);
        if (pool.Count >= _capacity)
        {
            // Start over rather than evict piecemeal: cheap, bounded, and frequent strings come right back.
            _pool = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
            return s;
        }
        return pool.GetOrAdd(s, s);
    }
}
