using Guardia.Core.Alerts;

namespace Guardia.Core.Notify;

/// <summary>Sends one notification to one destination (a webhook URL, a Slack channel...).</summary>
public interface INotifier
{
    /// <summary>Delivers <paramref name="alerts"/> of <paramref name="flush"/> once; never throws for delivery errors.</summary>
    Task<NotifyResult> NotifyAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct);
}
