using Guardia.Core.Alerts;
using Guardia.Core.Matching;

namespace Guardia.Core.Silences;

/// <summary>All silences, with Alertmanager 0.25's rules for creating, updating, expiring and collecting them;
/// every change is durable in the <see cref="ISilenceStore"/> before the method returns.</summary>
/// <remarks>Writers are serialised (changes are rare and each waits for its commit); readers see an immutable
/// snapshot swapped whole after each commit, so muting never takes a lock.</remarks>
public sealed class Silences : IDisposable
{
    readonly ISilenceStore _store;
    readonly TimeProvider _time;
    readonly SemaphoreSlim _write = new(1, 1);
    Snapshot _snapshot = Snapshot.Empty;

    sealed record Snapshot(Dictionary<string, Silence> ById, Silence[] All)
    {
        public static Snapshot Empty { get; } = new(new Dictionary<string, Silence>(StringComparer.Ordinal), []);

        public Snapshot With(IEnumerable<Silence> changed, IEnumerable<string> removed)
        {
            var byId = new Dictionary<string, Silence>(ById, StringComparer.Ordinal);
            foreach (var s in changed)
            {
                byId[s.Id] = s;
            }
            foreach (var id in removed)
            {
                byId.Remove(id);
            }
            return new Snapshot(byId, [.. byId.Values]);
        }
    }

    /// <summary>Creates the service over <paramref name="store"/>; call <see cref="LoadAsync"/> before use.</summary>
    /// <param name="store">Where silences are kept.</param>
    /// <param name="time">The clock.</param>
    /// <param name="retention">How long an expired silence is kept after its end (Alertmanager's <c>--data.retention</c>).</param>
    public Silences(ISilenceStore store, TimeProvider time, TimeSpan retention)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _time = time;
        Retention = retention;
    }

    /// <summary>How long an expired silence is kept after its end.</summary>
    public TimeSpan Retention { get; }

    /// <summary>Increases with every change, so callers can cache what they derived from the silences.</summary>
    public int Version => Volatile.Read(ref _version);

    int _version;

    /// <summary>The number of silences held, expired ones included until collected.</summary>
    public int Count => Volatile.Read(ref _snapshot).All.Length;

    /// <summary>Restores the stored silences and collects those past retention.</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        var stored = await _store.LoadAsync(ct);
        await _write.WaitAsync(ct);
        try
        {
            Publish(Snapshot.Empty.With(stored, []));
        }
        finally
        {
            _write.Release();
        }
        await CollectAsync(ct);
    }

    /// <summary>Creates a silence, or updates the one named by <see cref="SilenceDraft.Id"/>; returns the id of the silence now in force.</summary>
    /// <remarks>As in Alertmanager, an update that would rewrite history (other matchers, an active silence's start
    /// moved, a pending one starting in the past, an expired one revived) expires the old silence and creates a new
    /// one with a new id. Unlike Alertmanager 0.25, an invalid draft is refused before the old silence is expired.</remarks>
    /// <exception cref="SilenceException">The id is unknown (<see cref="SilenceError.NotFound"/>) or the draft is invalid.</exception>
    public async Task<string> SetAsync(SilenceDraft draft, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(draft);
        await _write.WaitAsync(ct);
        try
        {
            var now = _time.GetUtcNow();
            var current = _snapshot;
            Silence? previous = null;
            if (!string.IsNullOrEmpty(draft.Id) && !current.ById.TryGetValue(draft.Id, out previous))
            {
                throw new SilenceException(SilenceError.NotFound, SilenceException.NotFoundMessage);
            }
            var matchers = Silence.Validate(draft);
            var changed = new List<Silence>(2);
            string id;
            if (previous is not null && previous.CanUpdateTo(matchers, draft, now))
            {
                changed.Add(previous.UpdatedTo(matchers, draft, now));
                id = previous.Id;
            }
            else
            {
                id = Guid.NewGuid().ToString();
                var created = Silence.Create(draft, id, now);
                if (previous is not null && previous.StateAt(now) != SilenceState.Expired)
                {
                    changed.Add(previous.ExpiredAt(now));
                }
                changed.Add(created);
            }
            await _store.SaveAsync(changed, ct);
            Publish(current.With(changed, []));
            return id;
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>Expires the silence <paramref name="id"/> now; returns false when it had already expired (Alertmanager's API answers that with success too).</summary>
    /// <exception cref="SilenceException">No silence has this id (<see cref="SilenceError.NotFound"/>).</exception>
    public async Task<bool> ExpireAsync(string id, CancellationToken ct)
    {
        await _write.WaitAsync(ct);
        try
        {
            var now = _time.GetUtcNow();
            var current = _snapshot;
            if (!current.ById.TryGetValue(id, out var silence))
            {
                throw new SilenceException(SilenceError.NotFound, SilenceException.NotFoundMessage);
            }
            if (silence.StateAt(now) == SilenceState.Expired)
            {
                return false;
            }
            var expired = silence.ExpiredAt(now);
            await _store.SaveAsync([expired], ct);
            Publish(current.With([expired], []));
            return true;
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>Returns the silence with <paramref name="id"/>, if held.</summary>
    public Silence? Get(string id) => Volatile.Read(ref _snapshot).ById.GetValueOrDefault(id);

    /// <summary>Returns every silence held, in no particular order.</summary>
    public IReadOnlyList<Silence> All() => Volatile.Read(ref _snapshot).All;

    /// <summary>Returns the silences in <paramref name="state"/> at <paramref name="now"/> whose matchers all match <paramref name="labels"/>.</summary>
    public List<Silence> Query(DateTimeOffset now, SilenceState? state = null, LabelSet? labels = null)
    {
        var result = new List<Silence>();
        foreach (var s in Volatile.Read(ref _snapshot).All)
        {
            if ((state is null || s.StateAt(now) == state) && (labels is null || s.Matchers.Matches(labels)))
            {
                result.Add(s);
            }
        }
        return result;
    }

    /// <summary>Returns the ids of the active silences that mute <paramref name="labels"/>, sorted.</summary>
    public IReadOnlyList<string> MutedBy(LabelSet labels, DateTimeOffset now)
    {
        List<string>? ids = null;
        foreach (var s in Volatile.Read(ref _snapshot).All)
        {
            if (s.Mutes(labels, now))
            {
                (ids ??= []).Add(s.Id);
            }
        }
        // Alertmanager's order is its map's; sorted ids keep listings stable.
        if (ids is null)
        {
            return [];
        }
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    /// <summary>Deletes the silences that ended more than <see cref="Retention"/> ago; returns how many.</summary>
    public async Task<int> CollectAsync(CancellationToken ct)
    {
        await _write.WaitAsync(ct);
        try
        {
            var now = _time.GetUtcNow();
            var current = _snapshot;
            var dead = new List<string>();
            foreach (var s in current.All)
            {
                if (s.EndsAt + Retention <= now)
                {
                    dead.Add(s.Id);
                }
            }
            if (dead.Count == 0)
            {
                return 0;
            }
            await _store.DeleteAsync(dead, ct);
            Publish(current.With([], dead));
            return dead.Count;
        }
        finally
        {
            _write.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _write.Dispose();

    void Publish(Snapshot next)
    {
        Volatile.Write(ref _snapshot, next);
        Interlocked.Increment(ref _version);
    }

    /// <summary>Returns whether <paramref name="silence"/> carries every matcher of <paramref name="filter"/> verbatim (name, type and value), as the API's <c>filter</c> parameter selects silences.</summary>
    public static bool HasMatchers(Silence silence, IReadOnlyList<Matcher> filter)
    {
        ArgumentNullException.ThrowIfNull(silence);
        ArgumentNullException.ThrowIfNull(filter);
        foreach (var f in filter)
        {
            var found = false;
            foreach (var m in silence.Matchers)
            {
                if (m.Equals(f))
                {
                    found = true;
                    break;
                }
            }
            if (!found)
            {
                return false;
            }
        }
        return true;
    }
}
