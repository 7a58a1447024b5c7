using Guardia.Core.Alerts;
using Guardia.Core.Notify;

namespace Guardia.Integrations.Notifiers;

/// <summary>Lets the notification pipeline drive one of the template-rendering integrations (Slack, PagerDuty,
/// e-mail, MS Teams): a flush becomes a <see cref="NotificationRequest"/> and the result maps onto the pipeline's.</summary>
sealed class PipelineNotifier(INotifier notifier, string externalUrl) : Core.Notify.INotifier
{
    public async Task<Core.Notify.NotifyResult> NotifyAsync(Flush flush, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        var request = new NotificationRequest(flush.Receiver, flush.GroupKey, flush.GroupLabels, alerts, externalUrl, flush.Now);
        var result = await notifier.NotifyAsync(request, ct);
        if (result.Success)
        {
            return Core.Notify.NotifyResult.Success;
        }
        var error = result.Error ?? "failed";
        return result.Retry ? Core.Notify.NotifyResult.Retryable(error) : Core.Notify.NotifyResult.Permanent(error);
    }
}
