using Guardia.Core.Alerts;
using Guardia.Core.NotificationLog;

namespace Guardia.Core.Notify;

/// <summary>Passes the flush on only when the notification log says the integration needs to hear about it (Alertmanager's <c>DedupStage</c>).</summary>
public sealed class DedupStage(INotificationLog log, NotificationReceiver receiver, bool sendResolved, TimeProvider time) : INotificationStage
{
    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<Alert>> ExecuteAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(flush);
        var hashes = AlertHashes.Of(alerts, flush.Now);
        var entry = log.Query(flush.GroupKey, receiver);
        var notify = NeedsUpdate(entry, hashes.Firing, hashes.Resolved, sendResolved, flush.Options.RepeatInterval, time.GetUtcNow());
        return ValueTask.FromResult<IReadOnlyList<Alert>>(notify ? alerts : []);
    }

    /// <summary>Alertmanager's <c>needsUpdate</c>: notify a new firing alert, a change the receiver must hear about, or repeat after <paramref name="repeatInterval"/>.</summary>
    public static bool NeedsUpdate(NotificationEntry? entry, IReadOnlySet<ulong> firing, IReadOnlySet<ulong> resolved, bool sendResolved, TimeSpan repeatInterval, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(firing);
        ArgumentNullException.ThrowIfNull(resolved);
        // Never notified: notify right away unless everything is already resolved.
        if (entry is null)
        {
            return firing.Count > 0;
        }
        if (!entry.IsFiringSubset(firing))
        {
            return true;
        }
        // All resolved: notify, whatever send_resolved says, so that the log forgets the firing alerts;
        // unless the last notification had nothing firing either (alerts that fired and resolved unseen).
        if (firing.Count == 0)
        {
            return entry.FiringAlerts.Count > 0;
        }
        if (sendResolved && !entry.IsResolvedSubset(resolved))
        {
            return true;
        }
        return entry.Timestamp < now - repeatInterval;
    }
}
