using Guardia.Core.Alerts;

namespace Guardia.Core.Notify;

/// <summary>Sends one notification to one destination (a webhook URL, a Slack channel, a PagerDuty service, a mailbox...):
/// the single contract every integration implements and the pipeline calls through <see cref="Integration"/>.</summary>
public interface INotifier
{
    /// <summary>Delivers <paramref name="alerts"/> of <paramref name="flush"/> once; never throws for delivery errors, which are reported in the result.</summary>
    Task<NotifyResult> NotifyAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct);
}
