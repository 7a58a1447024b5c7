using Guardia.Core.Alerts;
using Guardia.Core.Notify;
using Guardia.Core.Routing;

namespace Guardia.Core.Dispatch;

/// <summary>Sorts alerts into aggregation groups along the routing tree and lets each group flush on its timers
/// (Alertmanager's dispatcher); empty groups are removed by a maintenance pass every 30 seconds.</summary>
public sealed class Dispatcher : IDisposable
{
    /// <summary>How often empty groups are removed, as in Alertmanager.</summary>
    public static readonly TimeSpan MaintenanceInterval = TimeSpan.FromSeconds(30);

    readonly Route _root;
    readonly Func<Flush, IReadOnlyList<Alert>, CancellationToken, Task<bool>> _notify;
    readonly TimeProvider _time;
    readonly Dictionary<(Route Route, LabelSet Labels), AggregationGroup> _groups = [];
    readonly Lock _lock = new();
    readonly ITimer _maintenance;
    bool _disposed;

    /// <summary>Creates a dispatcher over the tree rooted at <paramref name="root"/> that flushes through <paramref name="notify"/>,
    /// which returns true when the notification succeeded (resolved alerts are then forgotten).</summary>
    public Dispatcher(Route root, Func<Flush, IReadOnlyList<Alert>, CancellationToken, Task<bool>> notify, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(notify);
        ArgumentNullException.ThrowIfNull(time);
        _root = root;
        _notify = notify;
        _time = time;
        _maintenance = time.CreateTimer(static s => ((Dispatcher)s!).RemoveEmptyGroups(), this, MaintenanceInterval, MaintenanceInterval);
    }

    /// <summary>Called with the group key and the exception when a flush failed unexpectedly.</summary>
    public Action<string, Exception>? FlushFailed { get; init; }

    /// <summary>The number of aggregation groups.</summary>
    public int GroupCount
    {
        get
        {
            lock (_lock)
            {
                return _groups.Count;
            }
        }
    }

    /// <summary>Routes each alert and inserts it into its aggregation groups, creating them as needed.</summary>
    public void Put(IReadOnlyList<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var now = _time.GetUtcNow();
        List<AggregationGroup>? created = null;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            foreach (var alert in alerts)
            {
                foreach (var route in _root.Match(alert.Labels))
                {
                    var labels = route.GroupLabels(alert.Labels);
                    if (!_groups.TryGetValue((route, labels), out var group))
                    {
                        group = new AggregationGroup(route, labels, _notify, _time) { FlushFailed = FlushFailed };
                        _groups.Add((route, labels), group);
                        (created ??= []).Add(group);
                    }
                    group.Insert(alert, now);
                }
            }
            // Armed after the whole batch is in, under the lock so that Dispose cannot miss a timer.
            if (created is not null)
            {
                foreach (var g in created)
                {
                    g.Start();
                }
            }
        }
    }

    /// <summary>A point-in-time copy of the groups with their alerts.</summary>
    public IReadOnlyList<AggregationGroup> Groups()
    {
        lock (_lock)
        {
            return [.. _groups.Values];
        }
    }

    void RemoveEmptyGroups()
    {
        lock (_lock)
        {
            List<(Route, LabelSet)>? dead = null;
            foreach (var (key, group) in _groups)
            {
                if (group.IsEmpty)
                {
                    group.Dispose();
                    (dead ??= []).Add(key);
                }
            }
            if (dead is not null)
            {
                foreach (var key in dead)
                {
                    _groups.Remove(key);
                }
            }
        }
    }

    /// <summary>Stops every group's timers and cancels running flushes.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _maintenance.Dispose();
            foreach (var g in _groups.Values)
            {
                g.Dispose();
            }
            _groups.Clear();
        }
    }
}
