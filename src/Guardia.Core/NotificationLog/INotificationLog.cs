namespace Guardia.Core.NotificationLog;

/// <summary>The notification log (Alertmanager's nflog): what each integration was last told about each aggregation group.</summary>
public interface INotificationLog
{
    /// <summary>Returns the last entry for <paramref name="groupKey"/> and <paramref name="receiver"/>, or null when there is none.</summary>
    NotificationEntry? Query(string groupKey, NotificationReceiver receiver);

    /// <summary>Records <paramref name="entry"/>, replacing the previous one; completes when it is durable.</summary>
    Task LogAsync(NotificationEntry entry, CancellationToken ct);

    /// <summary>Removes the entries that expired at <paramref name="now"/>; returns how many.</summary>
    int Collect(DateTimeOffset now);
}
