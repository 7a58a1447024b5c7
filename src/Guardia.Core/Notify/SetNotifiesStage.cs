using Guardia.Core.Alerts;
using Guardia.Core.NotificationLog;

namespace Guardia.Core.Notify;

/// <summary>Records a delivered notification in the notification log; completes when the record is durable.</summary>
public sealed class SetNotifiesStage(INotificationLog log, NotificationReceiver receiver, TimeSpan retention, TimeProvider time) : INotificationStage
{
    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<Alert>> ExecuteAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(flush);
        var hashes = AlertHashes.Of(alerts, flush.Now);
        var now = time.GetUtcNow();
        var entry = new NotificationEntry(flush.GroupKey, receiver, [.. hashes.Firing], [.. hashes.Resolved], now, now + retention);
        // The delivery already happened: record it even when the flush deadline passed meanwhile.
        await log.LogAsync(entry, CancellationToken.None);
        return alerts;
    }
}
