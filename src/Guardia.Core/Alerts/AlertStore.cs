namespace Guardia.Core.Alerts;

/// <summary>All known alerts by fingerprint, merged as Alertmanager merges them and journaled before acknowledgement.</summary>
public sealed class AlertStore
{
    readonly Dictionary<ulong, Alert> _alerts = [];
    readonly Lock _lock = new();
    readonly IAlertJournal _journal;
    readonly List<Action<IReadOnlyList<Alert>>> _listeners = [];

    /// <summary>Creates an empty store over <paramref name="journal"/>; call <see cref="LoadAsync"/> before use.</summary>
    public AlertStore(IAlertJournal journal)
    {
        _journal = journal;
        _journal.Attach(Snapshot);
    }

    /// <summary>The number of alerts held, resolved ones included until collected.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _alerts.Count;
            }
        }
    }

    /// <summary>Restores the stored alerts.</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        var stored = await _journal.LoadAsync(ct);
        lock (_lock)
        {
            _alerts.EnsureCapacity(stored.Count);
            foreach (var a in stored)
            {
                _alerts[a.Fingerprint.Value] = a;
            }
        }
    }

    /// <summary>Registers a callback that receives every batch of alert versions after it is committed.</summary>
    public void Subscribe(Action<IReadOnlyList<Alert>> listener)
    {
        lock (_lock)
        {
            _listeners.Add(listener);
        }
    }

    /// <summary>Merges and stores <paramref name="alerts"/>; completes when they are durable.</summary>
    /// <remarks>Alertmanager merges with the existing version only when the two activity ranges overlap;
    /// otherwise the new version replaces the old one.</remarks>
    public async Task PutAsync(IReadOnlyList<Alert> alerts, DateTimeOffset now)
    {
        if (alerts.Count == 0)
        {
            return;
        }
        var stored = new Alert[alerts.Count];
        Task committed;
        Action<IReadOnlyList<Alert>>[] listeners;
        lock (_lock)
        {
            for (var i = 0; i < alerts.Count; i++)
            {
                var alert = alerts[i];
                var fp = alert.Fingerprint.Value;
                if (_alerts.TryGetValue(fp, out var old) &&
                    ((alert.EndsAt > old.StartsAt && alert.EndsAt < old.EndsAt) ||
                     (alert.StartsAt > old.StartsAt && alert.StartsAt < old.EndsAt)))
                {
                    alert = old.Merge(alert, now);
                }
                _alerts[fp] = alert;
                stored[i] = alert;
            }
            committed = _journal.Enqueue(stored);
            listeners = [.. _listeners];
        }
        await committed;
        foreach (var l in listeners)
        {
            l(stored);
        }
    }

    /// <summary>Returns the alert with <paramref name="fingerprint"/>, if held.</summary>
    public Alert? Get(Fingerprint fingerprint)
    {
        lock (_lock)
        {
            return _alerts.GetValueOrDefault(fingerprint.Value);
        }
    }

    /// <summary>Returns a point-in-time copy of every alert held.</summary>
    public Alert[] Snapshot()
    {
        lock (_lock)
        {
            var result = new Alert[_alerts.Count];
            _alerts.Values.CopyTo(result, 0);
            return result;
        }
    }

    /// <summary>Removes alerts that resolved before <paramref name="cutoff"/>; returns how many were collected.</summary>
    /// <remarks>Collections are not journaled: the journal compacts from live snapshots, and a restarted
    /// server collects again right after loading, so an alert past retention never comes back.</remarks>
    public int CollectResolved(DateTimeOffset now, DateTimeOffset cutoff)
    {
        var dead = new List<ulong>();
        lock (_lock)
        {
            foreach (var (fp, alert) in _alerts)
            {
                if (alert.ResolvedAt(now) && alert.EndsAt < cutoff)
                {
                    dead.Add(fp);
                }
            }
            foreach (var fp in dead)
            {
                _alerts.Remove(fp);
            }
        }
        return dead.Count;
    }
}
