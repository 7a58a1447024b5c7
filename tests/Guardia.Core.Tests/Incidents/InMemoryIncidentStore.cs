using Guardia.Core.Incidents;

namespace Guardia.Core.Tests.Incidents;

/// <summary>An in-memory <see cref="IIncidentStore"/> with the SQLite store's semantics (a page that left pending never goes back).</summary>
public sealed class InMemoryIncidentStore : IIncidentStore
{
    readonly Lock _lock = new();
    readonly Dictionary<string, Incident> _incidents = new(StringComparer.Ordinal);
    readonly List<TimelineEntry> _timeline = [];
    readonly Dictionary<string, PageRecord> _pages = new(StringComparer.Ordinal);
    readonly List<string> _pageOrder = [];
    long _last;

    public int Saves { get; private set; }

    public bool FailSaves { get; set; }

    public Task<long> NextNumberAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.FromResult(++_last);
        }
    }

    public Task SaveAsync(IncidentChange change, CancellationToken ct)
    {
        if (FailSaves)
        {
            throw new IOException("disk full");
        }
        lock (_lock)
        {
            Saves++;
            foreach (var i in change.Incidents)
            {
                _incidents[i.Id] = i;
            }
            _timeline.AddRange(change.Timeline);
            foreach (var p in change.Pages)
            {
                if (!_pages.TryGetValue(p.Id, out var existing))
                {
                    _pages[p.Id] = p;
                    _pageOrder.Add(p.Id);
                }
                else if (existing.State == PageState.Pending && p.State != PageState.Pending)
                {
                    _pages[p.Id] = existing with { State = p.State, Attempts = p.Attempts, LastAttemptAt = p.LastAttemptAt, Error = p.Error };
                }
            }
        }
        return Task.CompletedTask;
    }

    public Task<IncidentStoreState> LoadAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            var latest = new Dictionary<string, Incident>(StringComparer.Ordinal);
            foreach (var i in _incidents.Values)
            {
                if (i.GroupKey is { } k && (!latest.TryGetValue(k, out var l) || l.Number < i.Number))
                {
                    latest[k] = i;
                }
            }
            var list = _incidents.Values.Where(i => i.IsOpen || (i.GroupKey is { } k && latest[k] == i)).OrderBy(i => i.Number).ToList();
            var pending = _pageOrder.Select(id => _pages[id]).Where(p => p.State == PageState.Pending).ToList();
            return Task.FromResult(new IncidentStoreState(list, pending));
        }
    }

    public Task<Incident?> GetAsync(string id, CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.FromResult(_incidents.GetValueOrDefault(id));
        }
    }

    public Task<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken ct)
    {
        lock (_lock)
        {
            IReadOnlyList<Incident> list = [.. _incidents.Values
                .Where(i => (query.Status is null || i.Status == query.Status) && (query.Severity is null || i.Severity == query.Severity))
                .OrderByDescending(i => i.Number).Take(query.Limit)];
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string incidentId, CancellationToken ct)
    {
        lock (_lock)
        {
            IReadOnlyList<TimelineEntry> list = [.. _timeline.Where(e => e.IncidentId == incidentId)];
            return Task.FromResult(list);
        }
    }

    public Task<IReadOnlyList<PageRecord>> GetPagesAsync(string incidentId, CancellationToken ct)
    {
        lock (_lock)
        {
            IReadOnlyList<PageRecord> list = [.. _pageOrder.Select(id => _pages[id]).Where(p => p.IncidentId == incidentId)];
            return Task.FromResult(list);
        }
    }

    public IReadOnlyList<PageRecord> AllPages()
    {
        lock (_lock)
        {
            return [.. _pageOrder.Select(id => _pages[id])];
        }
    }
}
