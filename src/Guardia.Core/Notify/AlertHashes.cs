using Guardia.Core.Alerts;

namespace Guardia.Core.Notify;

/// <summary>The firing and resolved alert hashes of a flush, as the dedup and set-notifies stages compute them.</summary>
public sealed class AlertHashes
{
    AlertHashes(HashSet<ulong> firing, HashSet<ulong> resolved)
    {
        Firing = firing;
        Resolved = resolved;
    }

    /// <summary>The hashes of the firing alerts.</summary>
    public IReadOnlySet<ulong> Firing { get; }

    /// <summary>The hashes of the resolved alerts.</summary>
    public IReadOnlySet<ulong> Resolved { get; }

    /// <summary>Splits <paramref name="alerts"/> into firing and resolved at <paramref name="now"/>.</summary>
    public static AlertHashes Of(IReadOnlyList<Alert> alerts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var firing = new HashSet<ulong>();
        var resolved = new HashSet<ulong>();
        foreach (var a in alerts)
        {
            (a.ResolvedAt(now) ? resolved : firing).Add(Hash(a));
        }
        return new AlertHashes(firing, resolved);
    }

    /// <summary>The hash of an alert in the notification log: the fingerprint of its labels.</summary>
    public static ulong Hash(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return alert.Fingerprint.Value;
    }
}
