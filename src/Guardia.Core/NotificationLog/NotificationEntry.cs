namespace Guardia.Core.NotificationLog;

/// <summary>What was last notified for one aggregation group to one integration: the hashes of the firing and resolved alerts and when.</summary>
public sealed record NotificationEntry(
    string GroupKey,
    NotificationReceiver Receiver,
    IReadOnlyList<ulong> FiringAlerts,
    IReadOnlyList<ulong> ResolvedAlerts,
    DateTimeOffset Timestamp,
    DateTimeOffset ExpiresAt)
{
    /// <summary>Returns true when every alert of <paramref name="firing"/> was firing in this notification.</summary>
    public bool IsFiringSubset(IReadOnlySet<ulong> firing) => IsSubset(FiringAlerts, firing);

    /// <summary>Returns true when every alert of <paramref name="resolved"/> was resolved in this notification.</summary>
    public bool IsResolvedSubset(IReadOnlySet<ulong> resolved) => IsSubset(ResolvedAlerts, resolved);

    static bool IsSubset(IReadOnlyList<ulong> notified, IReadOnlySet<ulong> subset)
    {
        if (subset.Count > notified.Count)
        {
            return false;
        }
        var set = new HashSet<ulong>(notified);
        foreach (var hash in subset)
        {
            if (!set.Contains(hash))
            {
                return false;
            }
        }
        return true;
    }
}
