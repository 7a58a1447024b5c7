using Guardia.Core.Alerts;

namespace Guardia.Core.Dispatch;

/// <summary>The order Alertmanager lists alerts in within a group: by <c>job</c>, then <c>instance</c>, then labels.</summary>
public sealed class AlertOrder : IComparer<Alert>
{
    /// <summary>The single instance.</summary>
    public static AlertOrder Instance { get; } = new();

    static readonly string[] OverrideKeys = ["job", "instance"];

    /// <inheritdoc/>
    public int Compare(Alert? x, Alert? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }
        return Less(x, y) ? -1 : Less(y, x) ? 1 : 0;
    }

    static bool Less(Alert a, Alert b)
    {
        foreach (var key in OverrideKeys)
        {
            var aOk = a.Labels.TryGetValue(key, out var av);
            var bOk = b.Labels.TryGetValue(key, out var bv);
            if (!aOk && !bOk)
            {
                continue;
            }
            if (!aOk)
            {
                return false;
            }
            if (!bOk)
            {
                return true;
            }
            var c = LabelNames.CompareUtf8(av, bv);
            if (c != 0)
            {
                return c < 0;
            }
        }
        return a.Labels.Before(b.Labels);
    }
}
