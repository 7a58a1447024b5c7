namespace Guardia.Core.NotificationLog;

/// <summary>A notification log held in memory only, for tests and for servers that run without storage.</summary>
public sealed class MemoryNotificationLog : INotificationLog
{
    readonly Dictionary<(string, NotificationReceiver), NotificationEntry> _entries = [];
    readonly Lock _lock = new();

    /// <summary>The number of entries held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <inheritdoc/>
    public NotificationEntry? Query(string groupKey, NotificationReceiver receiver)
    {
        lock (_lock)
        {
            return _entries.GetValueOrDefault((groupKey, receiver));
        }
    }

    /// <inheritdoc/>
    public Task LogAsync(NotificationEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            _entries[(entry.GroupKey, entry.Receiver)] = entry;
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public int Collect(DateTimeOffset now)
    {
        lock (_lock)
        {
            var dead = new List<(string, NotificationReceiver)>();
            foreach (var (key, entry) in _entries)
            {
                if (entry.ExpiresAt <= now)
                {
                    dead.Add(key);
                }
            }
            foreach (var key in dead)
            {
                _entries.Remove(key);
            }
            return dead.Count;
        }
    }
}
