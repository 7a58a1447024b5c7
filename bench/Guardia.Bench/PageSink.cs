using System.Collections.Concurrent;
using System.Text.Json;

namespace Guardia.Bench;

/// <summary>
/// One page as the sink received it: the wall-clock instant its request reached the handler (before the body
/// was read; the server under test runs on the same machine and clock), the incident id and the escalation
/// level (1-based) from Guardia's webhook page payload.
/// </summary>
sealed record PageArrival(DateTimeOffset ArrivedAt, string Incident, int Level);

/// <summary>
/// The webhook contact method of the incidents scenario's only user. It parses each body as Guardia's page payload
/// (<c>kind</c> "page", <c>incident</c>, <c>level</c>) and keeps the first arrival per incident and level; anything
/// else (a reminder, a malformed body) is counted as malformed, and a second page for the same level as a duplicate.
/// </summary>
sealed class PageSink() : LoopbackSink("/bench-page")
{
    readonly ConcurrentDictionary<(string Incident, int Level), PageArrival> _first = new();
    readonly int[] _levelCounts = new int[8];
    int _duplicates;

    /// <summary>Requests received so far, well-formed or not.</summary>
    public int Pages => Requests;

    /// <summary>Second and later pages for an incident and level already paged.</summary>
    public int Duplicates => Volatile.Read(ref _duplicates);

    /// <summary>The first page of <paramref name="incident"/> at <paramref name="level"/>, or null.</summary>
    public PageArrival? First(string incident, int level) => _first.TryGetValue((incident, level), out var p) ? p : null;

    /// <summary>Every first page at <paramref name="level"/> received so far.</summary>
    public List<PageArrival> AtLevel(int level) => [.. _first.Values.Where(p => p.Level == level)];

    /// <summary>How many incidents have had a page at <paramref name="level"/> (1 to 7), without locking the sink.</summary>
    public int CountAtLevel(int level) => Volatile.Read(ref _levelCounts[level]);

    /// <summary>Starts listening.</summary>
    public static Task<PageSink> StartAsync(CancellationToken ct) => StartAsync(new PageSink(), ct);

    protected override string? Accept(Arrival arrival, ReadOnlyMemory<byte> body)
    {
        var page = Parse(arrival.At, body, out var problem);
        if (page is null)
        {
            return problem;
        }
        if (!_first.TryAdd((page.Incident, page.Level), page))
        {
            Interlocked.Increment(ref _duplicates);
        }
        else if (page.Level is >= 1 and < 8)
        {
            Interlocked.Increment(ref _levelCounts[page.Level]);
        }
        return null;
    }

    static PageArrival? Parse(DateTimeOffset arrival, ReadOnlyMemory<byte> body, out string? problem)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = $"page body is a JSON {root.ValueKind}, not an object";
                return null;
            }
            if (!root.TryGetProperty("kind", out var kind) || !kind.ValueEquals("page"))
            {
                problem = $"body has \"kind\" {(root.TryGetProperty("kind", out var k) ? k.ToString() : "(none)")}, expected \"page\"";
                return null;
            }
            if (!root.TryGetProperty("incident", out var incident) || incident.ValueKind != JsonValueKind.String)
            {
                problem = "page payload has no string \"incident\"";
                return null;
            }
            if (!root.TryGetProperty("level", out var level) || level.ValueKind != JsonValueKind.Number || !level.TryGetInt32(out var number))
            {
                problem = "page payload has no integer \"level\"";
                return null;
            }
            problem = null;
            return new PageArrival(arrival, incident.GetString()!, number);
        }
        catch (JsonException e)
        {
            problem = $"page body is not JSON: {e.Message}";
            return null;
        }
    }
}
