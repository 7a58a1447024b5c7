using Guardia.Core.Alerts;
using Guardia.Core.Notify;
using Guardia.Core.Routing;

namespace Guardia.Core.Dispatch;

/// <summary>The alerts of one route that share the route's group labels, flushed to the pipeline after
/// <c>group_wait</c> and then every <c>group_interval</c>, as Alertmanager's aggregation group is.</summary>
public sealed class AggregationGroup : IDisposable
{
    /// <summary>The shortest deadline a flush gets, however short group_interval is (Alertmanager's <c>notify.MinTimeout</c>).</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(10);

    readonly Dictionary<ulong, Alert> _alerts = [];
    readonly Lock _lock = new();
    readonly Func<Flush, IReadOnlyList<Alert>, CancellationToken, Task<bool>> _notify;
    readonly TimeProvider _time;
    readonly CancellationTokenSource _stop = new();
    readonly ITimer _timer;
    bool _started;
    bool _startNow;
    bool _hasFlushed;
    bool _flushing;
    bool _tickPending;
    bool _disposed;

    internal AggregationGroup(Route route, LabelSet labels, Func<Flush, IReadOnlyList<Alert>, CancellationToken, Task<bool>> notify, TimeProvider time)
    {
        Route = route;
        Labels = labels;
        GroupKey = route.GroupKey(labels);
        _notify = notify;
        _time = time;
        // Armed by Start once the first alerts are in: with group_wait 0 the first flush must see them.
        _timer = time.CreateTimer(static s => ((AggregationGroup)s!).OnTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The route whose options govern the group.</summary>
    public Route Route { get; }

    /// <summary>The group labels.</summary>
    public LabelSet Labels { get; }

    /// <summary>The group key, e.g. <c>{}/{team="db"}:{alertname="x"}</c>.</summary>
    public string GroupKey { get; }

    /// <summary>Called when a flush throws instead of reporting failure.</summary>
    internal Action<string, Exception>? FlushFailed { get; init; }

    /// <summary>True when the group holds no alert.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_lock)
            {
                return _alerts.Count == 0;
            }
        }
    }

    /// <summary>A copy of the alerts held.</summary>
    public Alert[] Alerts()
    {
        lock (_lock)
        {
            return [.. _alerts.Values];
        }
    }

    /// <summary>Adds or replaces an alert; flushes right away when a new group receives an alert older than group_wait.</summary>
    internal void Insert(Alert alert, DateTimeOffset now)
    {
        bool flushNow;
        lock (_lock)
        {
            var fp = alert.Fingerprint.Value;
            // Store listeners of concurrent writes may deliver an older version after a newer one.
            if (_alerts.TryGetValue(fp, out var held) && held.UpdatedAt > alert.UpdatedAt)
            {
                return;
            }
            _alerts[fp] = alert;
            // As Alertmanager: an alert that started more than group_wait ago needs no waiting, but only
            // before the group's first flush.
            flushNow = !_hasFlushed && !_disposed && alert.StartsAt + Route.Options.GroupWait < now;
            if (flushNow && !_started)
            {
                _startNow = true;
                return;
            }
        }
        if (flushNow)
        {
            // Outside the lock: a fake clock runs a due timer inside Change.
            _timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Arms the first flush: after group_wait, or at once when an inserted alert is older than that.</summary>
    internal void Start()
    {
        TimeSpan due;
        lock (_lock)
        {
            if (_started || _disposed)
            {
                return;
            }
            _started = true;
            due = _startNow ? TimeSpan.Zero : Route.Options.GroupWait;
        }
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    void OnTick()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _timer.Change(Route.Options.GroupInterval, Timeout.InfiniteTimeSpan);
            _hasFlushed = true;
            // One flush at a time, as Alertmanager's group loop: a tick during a long flush runs right after it.
            if (_flushing)
            {
                _tickPending = true;
                return;
            }
            _flushing = true;
        }
        _ = FlushLoopAsync();
    }

    async Task FlushLoopAsync()
    {
        while (true)
        {
            try
            {
                await FlushAsync();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                FlushFailed?.Invoke(GroupKey, ex);
            }
            lock (_lock)
            {
                if (!_tickPending || _disposed)
                {
                    _flushing = false;
                    return;
                }
                _tickPending = false;
            }
        }
    }

    async Task FlushAsync()
    {
        var now = _time.GetUtcNow();
        List<Alert> alerts;
        lock (_lock)
        {
            if (_alerts.Count == 0)
            {
                return;
            }
            alerts = new List<Alert>(_alerts.Count);
            foreach (var a in _alerts.Values)
            {
                // A firing alert's end time is a guess (resolve_timeout); receivers see it as unset, and the
                // alert cannot turn resolved between here and the receiver.
                alerts.Add(a.ResolvedAt(now) || a.EndsAt == default ? a : a with { EndsAt = default });
            }
        }
        alerts.Sort(AlertOrder.Instance);
        var timeout = Route.Options.GroupInterval < MinTimeout ? MinTimeout : Route.Options.GroupInterval;
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _stop.Token);
        var flush = new Flush(GroupKey, Route.Options.Receiver, Labels, now, Route.Options) { Deadline = now + timeout };
        if (!await _notify(flush, alerts, linked.Token))
        {
            return;
        }
        lock (_lock)
        {
            foreach (var a in alerts)
            {
                // Only delete a resolved alert that was not updated since it was notified.
                var fp = a.Fingerprint.Value;
                if (a.ResolvedAt(now) && _alerts.TryGetValue(fp, out var held) && held.UpdatedAt == a.UpdatedAt)
                {
                    _alerts.Remove(fp);
                }
            }
        }
    }

    /// <summary>Stops the timer and cancels a running flush.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        _timer.Dispose();
        _stop.Cancel();
        _stop.Dispose();
    }
}
